#!/usr/bin/env python3
"""Fails unless the NULL test passes NULL to every pointer parameter of every function the header
declares, and calls every function that has none. Run by ctest, so that a function added to the
header cannot slip past test_null_arguments.c.

Usage: check_null_coverage.py <mycelium_telemetry.h> <test_null_arguments.c>
"""
import re
import sys

DECLARATION = re.compile(r"^[A-Za-z][^;(]*?\b(mt_\w+)\(([^)]*)\);", re.MULTILINE)
# One pass, so that "//" inside a string is not a comment and "," inside one is not a separator.
LITERAL_OR_COMMENT = re.compile(
    r'"(?:\\.|[^"\\\n])*"' r"|'(?:\\.|[^'\\\n])*'" r"|/\*.*?\*/|//[^\n]*", re.DOTALL)


def pointer_parameters(parameters):
    """Positions and names of the parameters a caller could pass NULL to."""
    if parameters.strip() == "void":
        return []
    found = []
    for position, parameter in enumerate(parameters.split(",")):
        # Function pointer typedefs (mt_log_callback) are pointers too.
        if "*" in parameter or re.search(r"\bmt_\w+_callback\b", parameter):
            found.append((position, re.findall(r"\w+", parameter)[-1]))
    return found


def call_arguments(source, name):
    """The argument lists (top-level split, stripped) of every call of `name` in `source`."""
    calls = []
    for match in re.finditer(r"\b%s\(" % re.escape(name), source):
        depth, start, arguments = 1, match.end(), []
        for index in range(match.end(), len(source)):
            character = source[index]
            if character == "(":
                depth += 1
            elif character == ")":
                depth -= 1
                if depth == 0:
                    arguments.append(source[start:index].strip())
                    break
            elif character == "," and depth == 1:
                arguments.append(source[start:index].strip())
                start = index + 1
        calls.append(arguments)
    return calls


def main(header_path, test_path):
    with open(header_path, encoding="utf-8") as header:
        declarations = DECLARATION.findall(header.read())
    with open(test_path, encoding="utf-8") as test:
        # Comments could name a call that never runs; string contents could hold commas.
        source = LITERAL_OR_COMMENT.sub(
            lambda match: " " if match.group().startswith("/") else '""', test.read())
    if len(declarations) < 30:
        print(f"only {len(declarations)} declarations found in {header_path}: parser broken?")
        return 1

    missing = []
    parameter_count = 0
    for name, parameters in declarations:
        calls = call_arguments(source, name)
        pointers = pointer_parameters(parameters)
        parameter_count += len(pointers)
        if not calls:
            missing.append(f"{name}: never called")
        for position, parameter in pointers:
            if not any(len(call) > position and call[position] == "NULL" for call in calls):
                missing.append(f"{name}: never called with {parameter} = NULL")

    for line in missing:
        print(line)
    print(f"{len(declarations)} functions, {parameter_count} pointer parameters, "
          f"{len(missing)} not covered by {test_path}")
    return 1 if missing else 0


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    sys.exit(main(sys.argv[1], sys.argv[2]))
