"""The pure core: facts, detectors, verdicts and rules. No Qt, no sockets."""
