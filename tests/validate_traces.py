#!/usr/bin/env python3
"""Validates Interlock trace files against docs/trace.schema.json.

Catalogue mode (the ctest test): runs `interlock run NAME --trace` for every catalogue
scenario, validates each trace written (every scenario with a counterexample), and checks
that corrupted copies are rejected, so the schema cannot pass vacuously.

File mode: `validate_traces.py --schema S --files A.json B.json` validates the files given.

Exit status 0 when everything is valid, 1 otherwise (2 when it cannot run at all).
"""
import argparse
import copy
import json
import pathlib
import subprocess
import sys
import tempfile

try:
    import jsonschema
except ImportError:
    print("validate_traces: python3-jsonschema is not installed (apt-get install python3-jsonschema)",
          file=sys.stderr)
    sys.exit(2)


def load_validator(schema_path):
    schema = json.loads(pathlib.Path(schema_path).read_text(encoding="utf-8"))
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema), schema


def undocumented(schema, where="#"):
    """Every named property must say what it means."""
    missing = []
    if isinstance(schema, dict):
        for name, sub in schema.get("properties", {}).items():
            if isinstance(sub, dict) and "description" not in sub and len(sub) > 0:
                missing.append(f"{where}/properties/{name}")
        for key, sub in schema.items():
            if key == "if":  # a condition's properties are tests, not fields
                continue
            if isinstance(sub, (dict, list)):
                missing += undocumented(sub, f"{where}/{key}")
    elif isinstance(schema, list):
        for i, sub in enumerate(schema):
            missing += undocumented(sub, f"{where}/{i}")
    return missing


def errors_of(validator, document):
    return sorted(validator.iter_errors(document), key=lambda e: list(e.absolute_path))


def report(name, errors):
    for error in errors[:5]:
        path = "/".join(str(p) for p in error.absolute_path) or "(top level)"
        print(f"FAIL {name}: at {path}: {error.message}")


def validate_files(validator, files):
    failed = 0
    for name in files:
        errors = errors_of(validator, json.loads(pathlib.Path(name).read_text(encoding="utf-8")))
        if errors:
            report(name, errors)
            failed += 1
        else:
            print(f"ok   {name}")
    return failed


# Each corruption must make a valid trace invalid.
CORRUPTIONS = {
    "missing events": lambda t: t.pop("events"),
    "wrong version": lambda t: t.update(version=2),
    "undocumented top-level field": lambda t: t.update(extra=True),
    "step as a string": lambda t: t["events"][0].update(step="0"),
    "unknown event kind": lambda t: t["events"][0].update(kind="teleport"),
    "undocumented event field": lambda t: t["events"][0].update(colour="red"),
    "lower-case code": lambda t: t["verdict"]["violation"].update(code="0xe3"),
    "unknown violation kind": lambda t: t["verdict"]["violation"].update(kind="Livelock"),
    "schedule entry that is no choice": lambda t: t["schedule"].append("jump user"),
    "parameter value as a number": lambda t: t["scenario"]["parameters"].update(threads=3),
    "parameter value that is no whole number": lambda t: t["scenario"]["parameters"].update(threads="three"),
    "missing parameters": lambda t: t["scenario"].pop("parameters"),
    "owner count 0": lambda t: t["final_state"]["objects"].append(
        {"name": "X", "type": "ERESOURCE", "owners": [{"thread": "t", "mode": "exclusive", "count": 0}],
         "waiters": []}),
}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--schema", required=True)
    parser.add_argument("--interlock", help="the interlock binary (catalogue mode)")
    parser.add_argument("--workdir", help="keep the catalogue traces here (default: a temporary directory, removed)")
    parser.add_argument("--files", nargs="*", default=[], help="trace files to validate (file mode)")
    args = parser.parse_args()

    validator, schema = load_validator(args.schema)
    missing = undocumented(schema)
    for where in missing:
        print(f"FAIL schema: property without a description: {where}")
    failed = len(missing)
    if args.files:
        failed += validate_files(validator, args.files)
        print(f"{len(args.files) - failed} passed, {failed} failed")
        return 1 if failed else 0
    if not args.interlock:
        parser.error("give --files, or --interlock")
    if args.workdir:
        workdir = pathlib.Path(args.workdir)
        workdir.mkdir(parents=True, exist_ok=True)
        failed = validate_catalogue(validator, args.interlock, workdir, failed)
    else:
        with tempfile.TemporaryDirectory(prefix="interlock-traces-") as workdir:
            failed = validate_catalogue(validator, args.interlock, pathlib.Path(workdir), failed)
    return 1 if failed else 0


def validate_catalogue(validator, interlock, workdir, failed):
    """Writes every catalogue scenario's trace into workdir and validates it; the failures."""
    listing = subprocess.run([interlock, "list", "--json"], check=True, capture_output=True, text=True)
    traces = []
    for scenario in json.loads(listing.stdout):
        name = scenario["name"]
        path = workdir / (name.replace("/", "__") + ".json")
        path.unlink(missing_ok=True)
        run = subprocess.run([interlock, "run", name, "--trace", str(path), "--json"],
                             capture_output=True, text=True)
        if run.returncode not in (0, 1, 3):
            print(f"FAIL {name}: interlock run exited {run.returncode}: {run.stderr.strip()}")
            failed += 1
            continue
        if path.exists():
            traces.append((name, json.loads(path.read_text(encoding="utf-8"))))

    passed = 0
    for name, trace in traces:
        errors = errors_of(validator, trace)
        if errors:
            report(name, errors)
            failed += 1
        else:
            print(f"ok   {name}")
            passed += 1
    if not traces:
        print("FAIL no catalogue scenario wrote a trace: nothing was validated")
        failed += 1
    else:
        # The schema must reject what the writer never produces.
        sample = next((t for _, t in traces if t["verdict"].get("violation", {}).get("code")), traces[0][1])
        for what, corrupt in CORRUPTIONS.items():
            bad = copy.deepcopy(sample)
            corrupt(bad)
            if errors_of(validator, bad):
                passed += 1
            else:
                print(f"FAIL the schema accepts a trace with {what}")
                failed += 1
    print(f"{passed} passed, {failed} failed")
    return failed


if __name__ == "__main__":
    sys.exit(main())
