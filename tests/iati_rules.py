"""The IATI Standard ruleset (`rulesets/standard.json`) and codelists, applied to an XML document.

A small interpreter for the rule kinds the ruleset uses, as IATI-Rulesets' SPEC_JS.rst (the
2021 IATI Validator) defines them: `atleast_one`, `no_more_than_one`, `unique`, `startswith`,
`one_or_all`, `date_now`, `date_order`, `regex_matches`, `no_spaces`, `strict_sum`, `range`,
`if_then`, `time_limit`, `between_dates` and `loop`. The paths are XPath 1.0, evaluated by lxml
on each element the rule's context selects. An unknown rule kind raises NotImplementedError, so
a newer ruleset cannot pass by being skipped.

Offline differences from the Validator, both stricter: the `idCondition`s that exempt
identifiers published in the IATI Registry (NOT_EXISTING_ORG_ID[_PREFIX]) never exempt (no
registry here); the ORG-ID-PREFIX list of rule 1.14.8 is the OrganisationRegistrationAgency
codelist.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from lxml import etree

Case = dict[str, Any]


@dataclass(frozen=True)
class Finding:
    """One rule that failed on one element."""

    rule: str
    severity: str  # error | warning
    message: str
    where: str  # the activity's iati-identifier, or the element's tag

    def __str__(self) -> str:
        return f"{self.severity} {self.rule} at {self.where}: {self.message}"


def codelist_codes(path: Path) -> set[str]:
    """The codes of an IATI codelist file (`codelist-item/code`)."""
    return {c.strip() for c in etree.parse(str(path)).xpath("//codelist-item/code/text()")}


def _values(element: etree._Element, path: str) -> list[str]:
    """The text of what `path` selects: attribute values, text nodes, element text."""
    found = element.xpath(path)
    if not isinstance(found, list):
        return [str(found)]
    return [r if isinstance(r, str) else (r.text or "") for r in found]


def _true(element: etree._Element, expression: str) -> bool:
    """XPath boolean() of an expression's result."""
    return bool(element.xpath(expression))


def _date(text: str) -> date | None:
    try:
        return date.fromisoformat(text.strip()[:10])
    except ValueError:
        return None


def _number(text: str) -> Decimal | None:
    try:
        return Decimal(text.strip())
    except InvalidOperation:
        return None


class Ruleset:
    """The ruleset of `path`, applied with `org_id_prefixes` as ORG-ID-PREFIX and `today` as NOW."""

    def __init__(self, path: Path, org_id_prefixes: set[str], today: date) -> None:
        self.rules: dict[str, dict[str, dict[str, list[Case]]]] = json.loads(path.read_text())
        self.prefixes = org_id_prefixes
        self.today = today
        self.kinds: dict[str, Callable[[etree._Element, Case], bool]] = {
            "atleast_one": lambda e, c: any(e.xpath(p) for p in c["paths"]),
            "no_more_than_one": lambda e, c: sum(len(e.xpath(p)) for p in c["paths"]) <= 1,
            "unique": self._unique,
            "startswith": self._startswith,
            "one_or_all": self._one_or_all,
            "date_now": self._date_now,
            "date_order": self._date_order,
            "regex_matches": lambda e, c: all(
                re.search(c["regex"], v) for p in c["paths"] for v in _values(e, p)
            ),
            "no_spaces": lambda e, c: all(
                v == v.strip() for p in c["paths"] for v in _values(e, p)
            ),
            "strict_sum": self._strict_sum,
            "range": self._range,
            "if_then": lambda e, c: not _true(e, c["if"]) or _true(e, c["then"]),
            "time_limit": self._time_limit,
            "between_dates": self._between_dates,
        }

    def check(self, document: etree._Element) -> list[Finding]:
        """Every failed rule case on every element its context selects."""
        findings: list[Finding] = []
        tree = document.getroottree()
        for context, kinds in self.rules.items():
            for element in tree.xpath(context):
                for kind, body in kinds.items():
                    for case in body["cases"]:
                        findings += self._case(element, kind, case)
        return findings

    def _case(self, element: etree._Element, kind: str, case: Case) -> Iterable[Finding]:
        if kind == "loop":
            yield from self._loop(element, case)
            return
        if kind not in self.kinds:
            raise NotImplementedError(f"IATI rule kind {kind!r} is not interpreted")
        if "condition" in case and not _true(element, case["condition"]):
            return
        if not self.kinds[kind](element, case):
            info = case.get("ruleInfo", {})
            yield Finding(
                info.get("id", kind), info.get("severity", "error"), info.get("message", ""),
                _where(element),
            )  # fmt: skip

    def _loop(self, element: etree._Element, case: Case) -> Iterable[Finding]:
        for value in sorted(set(_values(element, case["foreach"]))):
            for kind, body in case["do"].items():
                for inner in body["cases"]:
                    bound = {
                        k: _substitute(v, value) if k in case["subs"] else v
                        for k, v in inner.items()
                    }
                    yield from self._case(element, kind, bound)

    def _unique(self, element: etree._Element, case: Case) -> bool:
        found = [v for p in case["paths"] for v in _values(element, p)]
        return len(found) == len(set(found))

    def _startswith(self, element: etree._Element, case: Case) -> bool:
        if case["prefix"] == ["ORG-ID-PREFIX"]:
            prefixes = self.prefixes
        else:
            prefixes = {v for p in case["prefix"] for v in _values(element, p) if v}
        separator = case.get("separator", "")
        return all(
            any(v.startswith(prefix + separator) for prefix in prefixes)
            for p in case["paths"]
            for v in _values(element, p)
        )

    def _one_or_all(self, element: etree._Element, case: Case) -> bool:
        if element.xpath(case["one"]):
            return True
        every = {
            "lang": (".//narrative", "@xml:lang"),
            "sector": ("transaction", "sector"),
            "currency": (".//value", "@currency"),
        }
        if case["all"] not in every:
            raise NotImplementedError(f"one_or_all with all={case['all']!r} is not interpreted")
        items, needed = every[case["all"]]
        return all(item.xpath(needed) for item in element.xpath(items))

    def _date_now(self, element: etree._Element, case: Case) -> bool:
        dates = [_date(v) for v in _values(element, case["date"])]
        return all(d is None or d <= self.today for d in dates)

    def _dates(self, element: etree._Element, path: str) -> list[date]:
        if path == "NOW":
            return [self.today]
        return [d for v in _values(element, path) if (d := _date(v)) is not None]

    def _date_order(self, element: etree._Element, case: Case) -> bool:
        less, more = self._dates(element, case["less"]), self._dates(element, case["more"])
        return all(a <= b for a in less for b in more)

    def _strict_sum(self, element: etree._Element, case: Case) -> bool:
        numbers = [_number(v) for p in case["paths"] for v in _values(element, p)]
        if any(n is None for n in numbers):
            return False
        return sum(n for n in numbers if n is not None) == Decimal(str(case["sum"]))

    def _range(self, element: etree._Element, case: Case) -> bool:
        low, high = Decimal(str(case.get("min", "-Infinity"))), Decimal(str(case["max"]))
        numbers = [_number(v) for p in case["paths"] for v in _values(element, p)]
        return all(n is not None and low <= n <= high for n in numbers)

    def _time_limit(self, element: etree._Element, case: Case) -> bool:
        starts, ends = self._dates(element, case["start"]), self._dates(element, case["end"])
        return all((b - a).days <= 366 for a in starts for b in ends)

    def _between_dates(self, element: etree._Element, case: Case) -> bool:
        starts, ends = self._dates(element, case["start"]), self._dates(element, case["end"])
        return all(
            a <= d <= b for d in self._dates(element, case["date"]) for a in starts for b in ends
        )


def _substitute(value: Any, by: str) -> Any:
    if isinstance(value, str):
        return value.replace("$1", by)
    if isinstance(value, list):
        return [_substitute(v, by) for v in value]
    return value


def _where(element: etree._Element) -> str:
    activity = next(
        (a for a in element.iterancestors("iati-activity")),
        element if element.tag == "iati-activity" else None,
    )
    if activity is not None:
        return activity.findtext("iati-identifier") or "iati-activity"
    return str(element.tag)


@dataclass(frozen=True)
class CodeUse:
    """A coded attribute value and whether its codelist has it."""

    xpath: str
    value: str
    codelist: str
    known: bool


def codelist_uses(document: etree._Element, codelists: Path) -> list[CodeUse]:
    """Every attribute value `mapping.xml` maps to a codelist, checked against that codelist."""
    mapping = etree.parse(str(codelists / "mapping.xml"))
    tree = document.getroottree()
    cache: dict[str, set[str]] = {}
    uses: list[CodeUse] = []
    for item in mapping.xpath("//mapping"):
        path = item.findtext("path")
        name = item.find("codelist").get("ref")
        condition = item.findtext("condition")
        for value in tree.xpath(path):
            owner = value.getparent()
            if condition and not owner.xpath(condition):
                continue
            if name not in cache:
                cache[name] = codelist_codes(codelists / f"{name}.xml")
            uses.append(CodeUse(tree.getpath(owner) + "/@" + value.attrname, value, name,
                                str(value) in cache[name]))  # fmt: skip
    return uses
