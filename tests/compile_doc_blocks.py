#!/usr/bin/env python3
"""Compiles every ```cpp block of a Markdown page exactly as written, each as a source file
of its own, against the repository's headers: the page's code cannot drift from the API.
Exits 1 naming the block (page and line) that does not compile, 2 on bad usage."""
import argparse
import pathlib
import subprocess
import sys


def blocks(text):
    """(first line number, code) for each ```cpp block, in page order."""
    found, code, start = [], None, 0
    for number, line in enumerate(text.splitlines(), 1):
        if code is None and line.strip() == "```cpp":
            code, start = [], number + 1
        elif code is not None and line.strip() == "```":
            found.append((start, "\n".join(code) + "\n"))
            code = None
        elif code is not None:
            code.append(line)
    return found


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--page", required=True, type=pathlib.Path)
    parser.add_argument("--cxx", required=True)
    parser.add_argument("--include", action="append", default=[])
    parser.add_argument("--workdir", required=True, type=pathlib.Path)
    args = parser.parse_args()
    if not args.page.is_file():
        print(f"{args.page}: no such page", file=sys.stderr)
        return 2
    found = blocks(args.page.read_text())
    if not found:
        print(f"{args.page}: no ```cpp block", file=sys.stderr)
        return 1
    args.workdir.mkdir(parents=True, exist_ok=True)
    failed = 0
    for index, (line, code) in enumerate(found, 1):
        source = args.workdir / f"block{index}.cpp"
        source.write_text(code)
        command = [args.cxx, "-std=c++20", "-fsyntax-only", "-Wall", "-Wextra", "-Werror"]
        command += [f"-I{d}" for d in args.include] + [str(source)]
        result = subprocess.run(command, capture_output=True, text=True)
        if result.returncode != 0:
            failed += 1
            print(f"{args.page}({line}): this C++ block does not compile as shown:\n"
                  f"{result.stdout}{result.stderr}", file=sys.stderr)
        else:
            print(f"{args.page}({line}): block {index} compiles")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
