"""The demo organisation (`make run`) and the generated data the benchmarks load."""
