// The kinds of fault eddy injects, shared by fault schedules (faults/) and scenario files
// (scenarios/), with their names as scenario files spell them.
#pragma once

namespace faults {

enum class FaultKind {
  kCrash,        // power cut of a node: unsynced data per the disk's crash model
  kRestart,      // crash if up, then boot a fresh process
  kShutdown,     // clean stop: the disk keeps everything
  kStart,
  kPause,        // freeze the process (GC pause, SIGSTOP); time moves on
  kResume,
  kIsolate,      // cut a node from every other node
  kPartition,    // split nodes into two sides that cannot talk
  kBlockOneWay,  // one direction of one link
  kHeal,         // restore every link
  kKillAll,      // power loss of every broker and controller
  kClockJump,    // jump a node's wall clock
};

const char* to_string(FaultKind k);

}  // namespace faults
