"""Read pytest's JUnit reports: the slowest tests, or the time spent in browser tests.

    python .ci/slowest.py 10 REPORT...         the ten slowest tests across the reports
    python .ci/slowest.py --browser REPORT...  per report: tests, and seconds in browser tests

Times are each test's own (setup, call and teardown); with several workers they add up to
more than the wall-clock time of the run.
"""

import sys
import xml.etree.ElementTree as ElementTree
from pathlib import Path


def cases(report):
    """(test id, seconds) for every test case in a JUnit report."""
    for case in ElementTree.parse(report).iter("testcase"):
        yield f"{case.get('classname')}::{case.get('name')}", float(case.get("time") or 0)


def slowest(count, reports):
    timed = [
        (seconds, f"{Path(report).stem}: {test}")
        for report in reports
        for test, seconds in cases(report)
    ]
    for seconds, test in sorted(timed, reverse=True)[:count]:
        print(f"   {seconds:7.1f}s  {test}")


def browser_time(reports):
    for report in reports:
        timed = list(cases(report))
        browser = [seconds for test, seconds in timed if test.startswith("tests.browser.")]
        print(
            f"== {Path(report).stem}: {len(timed)} tests, {len(browser)} in the browser "
            f"taking {sum(browser):.0f}s of test time ({sum(s for _, s in timed):.0f}s in all)"
        )


if __name__ == "__main__":
    if sys.argv[1] == "--browser":
        browser_time(sys.argv[2:])
    else:
        slowest(int(sys.argv[1]), sys.argv[2:])
