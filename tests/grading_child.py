"""Grade answers in this process and report how much it took: `python grading_child.py KEY CASES.json`.

CASES.json holds [[part_id, answer], ...]. Prints one JSON line: the verdicts (part, verdict, tags), the CPU
seconds used, and the peak resident memory of this process and of its children (the SymPy worker, which is
ended first so that its peak counts). The tests run this under a hard wall-clock timeout.
"""

import json
import resource
import sys
import time

from tabench import ingest, worker
from tabench.grade import grade_part


def main() -> None:
    key, cases = ingest(sys.argv[1]), json.loads(open(sys.argv[2], encoding="utf-8").read())
    started = time.process_time()
    verdicts = []
    for part_id, answer in cases:
        verdict = grade_part(key.part(part_id), answer)
        verdicts.append([part_id, verdict.verdict, verdict.tags])
    worker._WORKER.close()
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    print(json.dumps({"verdicts": verdicts, "cpu_seconds": time.process_time() - started,
                      "children_cpu_seconds": children.ru_utime + children.ru_stime,
                      "peak_kb": own.ru_maxrss, "children_peak_kb": children.ru_maxrss}))


if __name__ == "__main__":
    main()
