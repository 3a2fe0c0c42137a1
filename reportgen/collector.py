"""The garbage collector's settings for a long-running reportgen process (the command, a batch worker)."""

#: Collector thresholds while the command runs and in every batch worker (CPython's default is
#: 700, 10, 10). Loading the libraries makes about a million objects that live until the process ends, and with the default
#: every 700 new objects start a pass, every tenth of them over all the young ones and now and then
#: one over everything: about 40 ms of a ``reportgen build`` that find almost nothing to free.
#: Twenty thousand still collects a batch's or the web server's garbage long before it adds up.
GC_THRESHOLDS = (20_000, 10, 10)
