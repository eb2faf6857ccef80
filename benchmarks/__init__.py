"""Side-by-side timings of safesm against `aws secretsmanager` (run: python -m benchmarks)."""
