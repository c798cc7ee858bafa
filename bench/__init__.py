"""Benchmarks of the course app against stock Voila: `make bench` (python -m bench)."""
