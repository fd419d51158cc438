"""Readers' time-dependent questions over a small dated corpus (README.md here); `python -m bench.time`."""
