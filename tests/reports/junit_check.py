#!/usr/bin/env python3
"""Reads a JUnit XML file with a real XML parser and checks the common schema's shape:
testsuites > testsuite > testcase (> failure | error), with the counts in the attributes
matching the elements. usage: junit_check.py FILE TESTS FAILURES ERRORS"""
import sys
import xml.etree.ElementTree as ET

path, tests, failures, errors = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
root = ET.parse(path).getroot()
problems = []
if root.tag != "testsuites":
    problems.append(f"root is <{root.tag}>, expected <testsuites>")
cases = fails = errs = 0
for suite in root:
    if suite.tag != "testsuite":
        problems.append(f"<{suite.tag}> under <testsuites>")
        continue
    for a in ("name", "tests", "failures", "errors", "time"):
        if a not in suite.attrib:
            problems.append(f"testsuite {suite.get('name')} lacks {a}")
    s_cases = s_fails = s_errs = 0
    for case in suite:
        if case.tag != "testcase":
            problems.append(f"<{case.tag}> under <testsuite>")
            continue
        for a in ("classname", "name", "time"):
            if a not in case.attrib:
                problems.append(f"testcase lacks {a}")
        float(case.get("time", "0"))
        s_cases += 1
        for child in case:
            if child.tag not in ("failure", "error", "skipped", "system-out", "system-err"):
                problems.append(f"<{child.tag}> under <testcase>")
            if child.tag in ("failure", "error"):
                if not child.get("message"):
                    problems.append(f"{case.get('name')}: {child.tag} without a message")
                s_fails += child.tag == "failure"
                s_errs += child.tag == "error"
    if int(suite.get("tests", -1)) != s_cases or int(suite.get("failures", -1)) != s_fails or int(suite.get("errors", -1)) != s_errs:
        problems.append(f"testsuite {suite.get('name')}: attributes {suite.attrib} vs {s_cases} cases, {s_fails} failures, {s_errs} errors")
    cases, fails, errs = cases + s_cases, fails + s_fails, errs + s_errs
if (cases, fails, errs) != (tests, failures, errors):
    problems.append(f"found {cases} testcases, {fails} failures, {errs} errors; expected {tests}, {failures}, {errors}")
if int(root.get("tests", -1)) != cases or int(root.get("failures", -1)) != fails or int(root.get("errors", -1)) != errs:
    problems.append(f"testsuites attributes {root.attrib} do not match the elements")
for p in problems:
    print("FAIL:", p)
print(f"junit ok: {cases} testcases, {fails} failures, {errs} errors" if not problems else "junit check failed")
sys.exit(1 if problems else 0)
