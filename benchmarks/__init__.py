"""Speed and memory benchmarks: plain scripts, each printing its figures as ratios against a
reference measured in the same run. Run one with ``python -m benchmarks.<name>``, all with
``python -m benchmarks`` (``make bench``)."""
