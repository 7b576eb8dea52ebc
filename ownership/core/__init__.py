"""Pure: the contract model, globs, and the deciders (engine: one path; bulk: many paths). No I/O."""
