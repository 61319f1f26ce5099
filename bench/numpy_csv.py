"""Child process of the CSV-load benchmark: numpy.loadtxt on the same file, same JSON line."""
import json, resource, sys, time

import numpy as np

start = time.perf_counter()
data = np.loadtxt(sys.argv[1], delimiter=",", skiprows=1)
seconds = time.perf_counter() - start
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"seconds": seconds, "peak_rss_mb": peak, "rows": data.shape[0]}))
