// jemalloc's start-up options for the eddy executable (compiled in only when eddy links
// jemalloc; see the top-level CMakeLists.txt). jemalloc reads the global `malloc_conf`
// before its first allocation; MALLOC_CONF in the environment still overrides it.
//
// What the options buy, on the default run (`build/eddy run`, 1.5 M events, ~400 MB touched):
// - thp:always: jemalloc asks for transparent huge pages on its memory (Debian's kernel gives
//   them to regions that ask: /sys/kernel/mm/transparent_hugepage/enabled = madvise). User
//   time falls ~17% (1.8-2.0 s -> 1.5-1.6 s; presumably TLB misses, the working set being
//   hundreds of megabytes: this machine has no PMU counters to count them), and 100,000
//   page faults become ~1,200. System time then varies more from run to run (0.1-1.2 s,
//   against 0.3-0.8 s: zeroing 2 MiB pages costs what the host's memory state makes it), so
//   the gain is measured in interleaved pairs: 7 of 8 faster, median 2.0 s against 2.45 s.
// - dirty_decay_ms/muzzy_decay_ms -1: freed pages are kept for reuse instead of handed back
//   to the kernel after ~10 s. Handing them back (madvise) splits huge pages, which then
//   fault in again 4 KiB at a time (2,700-2,950 faults instead of ~1,200 with thp:always).
//   A run is one process and sweep workers reuse what they keep from one seed to the next,
//   so keeping freed pages costs only a higher peak (385 -> ~455 MB resident with both).
// Where transparent huge pages are off (enabled = never) the request is ignored.
//
// Allocation addresses never reach simulated behaviour, so no fingerprint depends on this.
extern "C" {
extern const char* malloc_conf;
const char* malloc_conf = "thp:always,dirty_decay_ms:-1,muzzy_decay_ms:-1";
}
