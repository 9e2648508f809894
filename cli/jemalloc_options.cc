// jemalloc's start-up options for the eddy executable (compiled in only when eddy links
// jemalloc; see the top-level CMakeLists.txt). jemalloc reads the global `malloc_conf`
// before its first allocation; MALLOC_CONF in the environment still overrides it.
//
// What the options buy, on the default run (`build/eddy run`, 1.5 M events, ~400 MB touched):
// - thp:always: jemalloc asks for transparent huge pages on its memory (Debian's kernel gives
//   them to regions that ask: /sys/kernel/mm/transparent_hugepage/enabled = madvise). User
//   time falls 12-17% (1.65-1.8 s -> 1.4-1.55 s; presumably fewer TLB misses over a working
//   set of hundreds of megabytes: this machine has no PMU counters to count them), and
//   100,000 page faults become ~1,200. System time varies more from run to run, though:
//   0.3-1.1 s against 0.26-0.77 s. On this VM a huge-page fault costs what the host's memory
//   state makes it (up to ~4 ms each; presumably the host backing a cold 2 MiB page 4 KiB at
//   a time), so the wall-clock gain came and went within one afternoon: 7 of 8 interleaved
//   pairs faster (median 2.45 -> 2.0 s) at one hour, 3 of 8 (median 1.95 -> 2.04 s) at the
//   next. It is kept for the CPU time it saves everywhere (and huge-page faults are cheap on
//   bare metal); MALLOC_CONF=thp:default turns it off.
// - dirty_decay_ms/muzzy_decay_ms -1: freed pages are kept for reuse instead of handed back
//   to the kernel after ~10 s. Handing them back (madvise) splits huge pages, which then
//   fault in again 4 KiB at a time (2,700-2,950 faults instead of ~1,200 with thp:always).
//   A run is one process and sweep workers reuse what they keep from one seed to the next,
//   so keeping freed pages costs only a higher peak (the default run's maximum resident size
//   is ~437 MB with both, ~395 MB with neither; thp:always alone ~445 MB).
// Where transparent huge pages are off (enabled = never) the request is ignored.
//
// Allocation addresses never reach simulated behaviour, so no fingerprint depends on this.
extern "C" {
extern const char* malloc_conf;
const char* malloc_conf = "thp:always,dirty_decay_ms:-1,muzzy_decay_ms:-1";
}
