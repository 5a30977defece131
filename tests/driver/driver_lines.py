#!/usr/bin/env python3
"""Findings on a driver's lines, end to end: a checker built with interlock_add_driver runs a
seeded bug's scenario, and the step the finding points at carries the driver's FILE:LINE in the
trace (byte-identical across two runs, replayed exactly), in the text report and in SARIF.

The expected line is found in the driver's source by a marker (a regular expression that matches
exactly one line), not written here as a number: driver.c changes as routines are bridged, and a marker
moves with its line while a number would silently point elsewhere. A marker that is missing
or ambiguous fails the test, naming it."""
import argparse
import json
import os
import re
import subprocess
import sys


def fail(message):
    print("FAIL: " + message)
    sys.exit(1)


def marker_line(source, marker):
    with open(source, encoding="utf-8") as f:
        hits = [n for n, text in enumerate(f, start=1) if re.search(marker, text)]
    if len(hits) != 1:
        fail(f"{source}: the marker {marker!r} is on {len(hits)} lines, not exactly one")
    return hits[0]


def run(command, status):
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode != status:
        fail(f"{' '.join(command)} exited {done.returncode}, expected {status}:\n{done.stdout}{done.stderr}")
    return done.stdout


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--checker", required=True)
    parser.add_argument("--scenario", required=True)
    parser.add_argument("--source", required=True, help="the driver's .c file")
    parser.add_argument("--root", required=True, help="the project's top-level source directory")
    parser.add_argument("--marker", required=True, help="a regular expression matching the line the finding points at")
    parser.add_argument("--thread", required=True, help="the thread whose step is on that line")
    parser.add_argument("--call", required=True, help="the routine called on that line")
    parser.add_argument("--workdir", required=True)
    args = parser.parse_args()

    os.makedirs(args.workdir, exist_ok=True)
    line = marker_line(args.source, args.marker)
    path = os.path.relpath(args.source, args.root)
    site = f"{path}:{line}"

    traces = [os.path.join(args.workdir, f"trace{n}.json") for n in (1, 2)]
    text = run([args.checker, "run", args.scenario, "--trace", traces[0]], 1)
    run([args.checker, "run", args.scenario, "--trace", traces[1]], 1)
    with open(traces[0], "rb") as a, open(traces[1], "rb") as b:
        if a.read() != b.read():
            fail("two runs of the same scenario wrote different traces")

    with open(traces[0], encoding="utf-8") as f:
        trace = json.load(f)
    steps = [e for e in trace["events"]
             if e["thread"] == args.thread and e.get("call", "").startswith(args.call + "(")]
    if not steps:
        fail(f"no {args.call} step of {args.thread} in the trace")
    if site not in [e.get("site") for e in steps]:
        fail(f"{args.thread}'s {args.call} steps are at {[e.get('site') for e in steps]}, expected {site}")
    for e in trace["events"]:
        if "site" in e and not e["site"].startswith(path + ":"):
            fail(f"a site outside the driver's file: {e['site']}")
    if "at " + site not in text:
        fail(f"the text report does not show 'at {site}':\n{text}")

    replayed = run([args.checker, "replay", traces[0]], 1)
    if "reproduced the trace exactly" not in replayed:
        fail(f"the replay did not reproduce the trace exactly:\n{replayed}")

    sarif_path = os.path.join(args.workdir, "check.sarif")
    run([args.checker, "check", "--sarif", sarif_path, args.scenario], 0)
    with open(sarif_path, encoding="utf-8") as f:
        sarif = json.load(f)
    sarif_run = sarif["runs"][0]
    expected = {"artifactLocation": {"uri": path, "uriBaseId": "%SRCROOT%"}, "region": {"startLine": line}}
    result = sarif_run["results"][0]
    found = result["locations"][0].get("physicalLocation")
    if found != expected:
        fail(f"the SARIF result points at {found}, expected {expected}")
    flow = result["codeFlows"][0]["threadFlows"][0]["locations"]
    if expected not in [step["location"].get("physicalLocation") for step in flow]:
        fail("no step of the SARIF schedule points at " + site)
    if "%SRCROOT%" not in sarif_run.get("originalUriBaseIds", {}):
        fail("the SARIF run does not describe %SRCROOT%")
    print(f"ok: {args.scenario}: {args.thread}'s {args.call} at {site}")


if __name__ == "__main__":
    main()
