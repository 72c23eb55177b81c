"""The pieces every rule is made of: severities, findings, results and the registry."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal, TypeVar

from planning.i18n import N_, Text, message
from planning.settings import DEFAULT_AREA_TOLERANCE_PCT

if TYPE_CHECKING:
    from planning.model.plan import Plan

Severity = Literal["error", "warning", "info"]
Status = Literal["pass", "fail", "warn", "skip"]
SEVERITIES: tuple[Severity, ...] = ("error", "warning", "info")


@dataclass(frozen=True)
class Finding:
    """One thing a rule found.

    Attributes
    ----------
    code
        The rule's code (``ARE001``).
    severity
        ``error`` (the rule fails), ``warning`` or ``info``.
    message
        A sentence saying what is wrong and where.
    cluster_id
        The cluster concerned, when there is one.
    detail
        Machine-readable numbers behind the message (JSON-serialisable).
    """

    code: str
    severity: Severity
    message: str
    cluster_id: str | None = None
    detail: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class CheckOptions:
    """Options of a check run.

    Attributes
    ----------
    tolerance_pct
        Allowed difference between declared and measured area, in percent.
    select
        Run only rules whose code starts with one of these (all when empty).
    ignore
        Skip rules whose code starts with one of these.
    """

    tolerance_pct: float = DEFAULT_AREA_TOLERANCE_PCT
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()

    def wants(self, code: str) -> bool:
        """Whether the rule ``code`` is selected and not ignored."""
        if self.select and not any(code.startswith(s) for s in self.select):
            return False
        return not any(code.startswith(s) for s in self.ignore)


@dataclass
class Outcome:
    """What a rule function returns: its findings, plus a sentence saying what it checked.

    Attributes
    ----------
    explanation
        What was checked and on how many items, pass or fail (shown in every report).
    findings
        The findings.
    skipped
        Non-empty when the rule did not apply; says why.
    checked
        How many items (clusters, figures, total rows …) the rule looked at. Every rule
        that runs says it: when it is 0 and there is no finding, the rule did not apply,
        and :meth:`Rule.result` reports it as not applicable, never as a pass.
    """

    explanation: str
    findings: list[Finding] = field(default_factory=list)
    skipped: str = ""
    checked: int | None = None


@dataclass
class Partial:
    """What a row-by-row rule finds on some of the clusters: findings, and counts to add up.

    A rule that looks at one cluster at a time is written as a *scan*, returning a
    ``Partial`` for the clusters it is given, and a *finish* that turns the combined
    partials into the :class:`Outcome`. In memory the two run back to back; a partitioned
    run (:mod:`planning.partitioned`) scans every partition and finishes once.

    Attributes
    ----------
    findings
        The findings, in row order.
    counts
        Named figures for the explanation: numbers are added and lists concatenated
        across parts; any other value must be the same in every part.
    """

    findings: list[Finding] = field(default_factory=list)
    counts: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def combine(cls, parts: Iterable[Partial]) -> Partial:
        """Return the partials of consecutive parts combined, in order."""
        out = cls()
        for part in parts:
            out.findings.extend(part.findings)
            for key, value in part.counts.items():
                if key not in out.counts:
                    out.counts[key] = list(value) if isinstance(value, list) else value
                elif isinstance(value, list):
                    out.counts[key].extend(value)
                elif isinstance(value, int | float) and not isinstance(value, bool):
                    out.counts[key] += value
                elif out.counts[key] != value:
                    raise ValueError(
                        f"count {key!r} differs between parts: {out.counts[key]!r} != {value!r}"
                    )
        return out


Scan = Callable[["Plan", CheckOptions, "Rule"], Partial]
Finish = Callable[[Partial, CheckOptions, "Rule"], Outcome]


@dataclass(frozen=True)
class Rule:
    """A consistency rule: a stable code, a severity, a title, documentation and a check.

    Attributes
    ----------
    code
        Stable identifier (``PLN001``); findings carry it.
    title
        One line saying what the rule wants.
    severity
        Severity of its findings unless a finding says otherwise.
    family
        The module (family) it belongs to.
    doc
        Longer documentation: why it matters and how to fix a failure.
    func
        ``func(plan, options, rule) -> Outcome``.
    scan, finish
        For a rule that looks at one cluster at a time: ``scan(plan, options, rule) ->
        Partial`` on some clusters, ``finish(partial, options, rule) -> Outcome`` on the
        combined partials (``func`` is the two in a row). None for other rules.
    zone_rows
        Whether the scan also checks the zones layer row by row (GEO rules): a
        partitioned run then scans the zones once, on their own, after the clusters.
    none_checked
        Why the rule does not apply when it checked nothing (``"no cluster declares a
        district"``), shown as the reason it is not applicable.
    """

    code: str
    title: str
    severity: Severity
    family: str
    doc: str
    func: Callable[[Plan, CheckOptions, Rule], Outcome]
    scan: Scan | None = None
    finish: Finish | None = None
    zone_rows: bool = False
    none_checked: str = N_("there was nothing to check")

    def finding(
        self,
        message: str,
        *,
        cluster_id: str | None = None,
        severity: Severity | None = None,
        **detail: Any,
    ) -> Finding:
        """Make a finding of this rule."""
        return Finding(self.code, severity or self.severity, message, cluster_id, dict(detail))

    def run(self, plan: Plan, options: CheckOptions) -> RuleResult:
        """Run the rule on a plan and classify the outcome."""
        return self.result(self.func(plan, options, self))

    def result(self, out: Outcome) -> RuleResult:
        """Classify an outcome of this rule: skip, fail (an error), warn (a warning) or pass.

        A rule that checked nothing and found no error or warning is skipped ("not
        applicable") with :attr:`none_checked` as the reason: it never passes.

        Raises
        ------
        TypeError
            If the outcome neither is skipped nor says how many items were checked (a bug
            in the rule).
        """
        if not out.skipped and out.checked is None:
            raise TypeError(f"rule {self.code} did not say how many items it checked")
        serious = any(f.severity != "info" for f in out.findings)
        if not out.skipped and out.checked == 0 and not serious:
            reason = message("not applicable: {reason}", reason=message(self.none_checked))
            return RuleResult(self, "skip", reason, list(out.findings))
        if out.skipped:
            status: Status = "skip"
        elif any(f.severity == "error" for f in out.findings):
            status = "fail"
        elif any(f.severity == "warning" for f in out.findings):
            status = "warn"
        else:
            status = "pass"
        return RuleResult(self, status, out.skipped or out.explanation, out.findings)


@dataclass(frozen=True)
class RuleResult:
    """A rule's verdict on a plan.

    Attributes
    ----------
    rule
        The rule.
    status
        ``pass``, ``fail`` (an error finding), ``warn`` (warnings only) or ``skip``.
    explanation
        What was checked, or why the rule did not apply.
    findings
        The findings.
    """

    rule: Rule
    status: Status
    explanation: str
    findings: list[Finding]


REGISTRY: dict[str, Rule] = {}

#: The types of source (``planning.model.catalogue.SOURCE_TYPES``, and ``none`` for no
#: area) as messages show them: the key in English, translated in other languages.
SOURCE_TYPE_NAMES = {
    k: message(k)
    for k in (
        N_("decision"),
        N_("government page"),
        N_("portal"),
        N_("news"),
        N_("news repost"),
        N_("none"),
    )
}


def rule(
    code: str,
    title: str,
    *,
    severity: Severity = "error",
    finish: Finish | None = None,
    zone_rows: bool = False,
    none_checked: str = N_("there was nothing to check"),
) -> Callable[[Callable[..., Any]], Rule]:
    """Register a rule function under ``code``; its docstring is the rule's documentation.

    Parameters
    ----------
    code
        Stable code, three letters and three digits.
    title
        One-line title, in English: reports translate it when they show it (the title is
        extracted for the catalogue from this argument).
    severity
        Default severity of its findings.
    finish
        When given, the decorated function is a scan (``-> Partial``) and ``finish``
        turns the combined partials into the outcome (see :class:`Partial`).
    zone_rows
        The scan checks the zones layer row by row too (see :class:`Rule`).
    none_checked
        Why the rule does not apply when it checks nothing (see :class:`Rule`); mark it
        with :func:`planning.i18n.N_` so that it is translated.

    Returns
    -------
    callable
        A decorator returning the :class:`Rule`.
    """

    def wrap(func: Callable[..., Any]) -> Rule:
        if code in REGISTRY:
            raise RuntimeError(f"rule code {code} registered twice")
        import inspect

        scan: Scan | None = None
        run = func
        if finish is not None:
            scan = func
            done = finish

            def run(plan: Plan, options: CheckOptions, r: Rule) -> Outcome:
                return done(func(plan, options, r), options, r)

        r = Rule(
            code=code,
            title=title,
            severity=severity,
            family=_family(func),
            doc=inspect.cleandoc(func.__doc__ or title),
            func=run,
            scan=scan,
            finish=finish,
            zone_rows=zone_rows,
            none_checked=none_checked,
        )
        REGISTRY[code] = r
        return r

    return wrap


def iter_rules() -> Iterator[Rule]:
    """Yield the registered rules in code order."""
    yield from sorted(REGISTRY.values(), key=lambda r: r.code)


def plural(n: int, word: str, many: str | None = None) -> str:
    """Return ``"1 cluster"`` / ``"3 clusters"``."""
    return f"{n:,} {word if n == 1 else (many or word + 's')}"


def zone_name(zones: Any, j: int) -> Text:
    """Return the name of the ``j``-th zone: English, and Vietnamese where reports localize it."""
    en = zones["name_en"].iloc[j] if "name_en" in zones.columns else zones["zone_id"].iloc[j]
    vi = zones["name_vi"].iloc[j] if "name_vi" in zones.columns else ""
    return Text(str(en), vi=vi if isinstance(vi, str) else "")


def ids(items: Iterable[Any]) -> str:
    """Join ids for a message, at most eight then ``…``."""
    items = [str(i) for i in items]
    return ", ".join(items[:8]) + (f", … (+{len(items) - 8})" if len(items) > 8 else "")


_T = TypeVar("_T")
_SHARED: ContextVar[dict[tuple[Any, ...], tuple[tuple[Any, ...], Any]] | None] = ContextVar(
    "planning_rules_shared", default=None
)


@contextmanager
def shared_scope() -> Iterator[None]:
    """Let the rules run inside this block share what :func:`shared` computes."""
    token = _SHARED.set({})
    try:
        yield
    finally:
        _SHARED.reset(token)


def shared(name: str, objects: tuple[Any, ...], compute: Callable[[], _T]) -> _T:
    """Return ``compute()``, computed once per :func:`shared_scope` for the same objects.

    Several rules need the same costly arrays (GEOS validity, points on surface); inside
    one run of the rules they are computed once. The objects (for example a layer's
    geometry array) are identified by identity and kept alive for the scope, so nothing is
    reused across runs, and outside a scope ``compute()`` is simply called.
    """
    store = _SHARED.get()
    if store is None:
        return compute()
    key = (name, *(id(o) for o in objects))
    hit = store.get(key)
    if hit is None:
        hit = (objects, compute())
        store[key] = hit
    result: _T = hit[1]
    return result


def _family(func: Callable[..., Any]) -> str:
    """A rule's family: its module's ``FAMILY`` constant, else the module's name.

    The family is part of the JSON report, so it is a stable name, not a file name.
    """
    module = sys.modules.get(func.__module__)
    family = getattr(module, "FAMILY", None)
    return family if isinstance(family, str) else func.__module__.rsplit(".", 1)[-1]
