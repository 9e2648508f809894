// The kinds of fault eddy injects, shared by fault schedules (faults/) and scenario files
// (scenarios/). Their scenario spellings, parameters and meaning are in fault_catalogue.h.
#pragma once

namespace faults {

enum class FaultKind {
  // process
  kCrash,        // power cut of a node: unsynced data per the disk's crash model; peers hear nothing
  kKill,         // the process dies (SIGKILL): the page cache survives, its connections reset
  kRestart,      // crash if up, then boot a fresh process
  kShutdown,     // clean stop: the disk keeps everything
  kStart,
  kPause,        // freeze the process (GC pause, SIGSTOP); time moves on
  kResume,
  kKillAll,      // power loss of every broker and controller
  // operations: clean stops a broker takes part in (SIGTERM: a Kafka broker's controlled
  // shutdown moves its leaderships away before it stops; unlike crash, kill and shutdown)
  kControlledShutdown,
  kControlledRestart,
  kRollingRestart,  // every target in turn, waiting for under-replicated partitions to clear
  // network topology
  kIsolate,      // cut a node from every other node
  kPartition,    // split nodes into two sides that cannot talk
  kBlockOneWay,  // messages from one side no longer reach the other; the reverse still flows
  kSplitHalves,       // the targets, shuffled, cut into two halves
  kMajorityMinority,  // a random minority of the targets cut from the majority
  kRing,              // each target sees a majority of them, no two the same majority
  kBridge,            // two halves that only one node (the bridge) can talk to both of
  kZoneOutage,        // the nodes of a zone cut from every node outside it
  kHeal,         // restore every link
  // link quality (links touching the targets, or between target and other_side)
  kLinkLoss,
  kLinkDuplicate,
  kLinkReorder,
  kDelaySpike,   // another latency distribution on the links
  kThrottle,     // bandwidth cap on the links
  // message faults that break TCP's promise (datagram experiments; never "loss")
  kMessageDrop,
  kMessageDuplicate,
  kMessageReorder,
  // disk
  kFsyncError,   // fsync fails (EIO) with a probability
  kTornCrash,    // crash with the last unsynced write torn mid-sector
  kCorrupt,      // latent corruption: a bit flipped in a durable file, caught by checksums on read
  kDiskFull,     // writes that grow usage fail with ENOSPC
  kSlowDisk,     // disk latencies multiplied by a factor
  // clock
  kClockJump,    // the wall clock jumps by a signed amount
  kClockSkew,    // the wall clock's offset becomes the amount
  kClockDrift,   // the clock runs fast or slow by some ppm
  // code-level fault points (EDDY_FAULT_POINT sites)
  kFaultPointsOn,
  kFaultPointsOff,
};

const char* to_string(FaultKind k);

}  // namespace faults
