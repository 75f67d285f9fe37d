"""The offline causal engine, in four layers that `trace_backward` orchestrates:

- `detectors`: candidate faults per turn, each strong (a recorded fact) or weak (text only);
- `symptoms`: where a failure is observed (a dissatisfied user, a failing assessment, ...);
- `links`: which earlier candidates a symptom connects to through content, and where a
  disputed value first appeared;
- `ranking`: one score per candidate, the root and its runners-up.

Every function is pure over reconstructed turns and linear (or n log n) in their number.
"""
