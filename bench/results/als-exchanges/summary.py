#!/usr/bin/env python3
"""Prints the table of README.md from the als-bench JSON files in this folder."""
import glob, json, os

here = os.path.dirname(os.path.abspath(__file__))
print("| file | started (UTC) | commit | load at start | distributed s/iter (T − 1 marginal) | in process s/iter | ratio | distributed in-job s/iter | in process in-job | ratio |")
print("|---|---|---|---|---|---|---|---|---|---|")
for f in sorted(glob.glob(os.path.join(here, "*.json"))):
    d = json.load(open(f))
    run = d["run"]
    for ds in d["datasets"]:
        dist = ds["distributed_s_per_iter"]["2"]
        ratio = ds["distributed_over_in_process"]["2"]
        inproc = dist / ratio
        print(f"| `{os.path.basename(f)}` | {run['started'][11:19]} | {run['commit'][:7]}{'-dirty' if run['commit'].endswith('dirty') else ''} "
              f"| {ds['distributed_load_average_at_start']['2']:.2f} | {dist:.3f} | {inproc:.3f} | {ratio:.2f}× "
              f"| {ds['distributed_in_job_s_per_iter']['2']:.3f} | {ds['in_process_in_job_s_per_iter_same_jvm']['2']:.3f} "
              f"| {ds['distributed_over_in_process_in_job']['2']:.2f}× |")
