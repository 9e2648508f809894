// jemalloc's start-up options for the eddy executable (compiled in only when eddy links
// jemalloc; see the top-level CMakeLists.txt). jemalloc reads the global `malloc_conf`
// before its first allocation; MALLOC_CONF in the environment still overrides it.
//
// No decay (dirty_decay_ms/muzzy_decay_ms -1): freed pages are kept for reuse instead of
// handed back to the kernel after ~10 s. A run is one process, and sweep workers reuse what
// they keep from one seed to the next, so keeping them costs only a higher peak (the default
// run's maximum resident size ~377 MB instead of ~364 MB); it saves the madvise calls (81 ->
// 2) and the faults of memory handed back and touched again (~97,500 -> ~92,900 on the
// default run). Small, and never measured slower.
//
// Transparent huge pages (MALLOC_CONF=thp:always, with no decay so that handing pages back
// does not split them) were measured on the 2-vCPU VM this project runs on, and are left
// off: page faults fall from ~100,000 to ~1,200 and user time by 17-22%, but each huge-page
// fault costs what the host's memory state makes it (up to ~4 ms; presumably the host
// backing a cold 2 MiB page 4 KiB at a time), so system time went from 0.2-0.5 s to
// 0.1-1.1 s. Interleaved pairs on one afternoon: 7 of 8 faster at 15:30 UTC, 3 of 8 at
// 15:45, 0 of 6 at 17:00 (median 2.24 s against 1.92 s without); the 10,000-run CI sweep took
// 108.2 s with them and 108.1 s without. On bare metal, where huge-page faults are cheap,
// they may well pay; try MALLOC_CONF=thp:always,dirty_decay_ms:-1,muzzy_decay_ms:-1.
//
// Allocation addresses never reach simulated behaviour, so no fingerprint depends on this.
extern "C" {
extern const char* malloc_conf;
const char* malloc_conf = "dirty_decay_ms:-1,muzzy_decay_ms:-1";
}
