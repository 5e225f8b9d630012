"""The trigger lexicon: which words express which PLOVER event, under which conditions.

`data/triggers.csv` has one rule per line: `lemma, pos (V|N), event, mode, cameo, when,
weight`. Rules for the same lemma and part of speech are tried in file order; the first
whose `when` conditions all hold wins. Conditions (`;`-separated):

    prep=a|b      the trigger governs a preposition a or b ("call for", "call on")
    prt=a|b       the trigger has the particle a or b ("pull out", "step down")
    noprt=a|b     it has neither particle ("struck", not "struck off the register")
    obj=a|b       its direct object (or passive subject) has the lemma a or b
    notobj=a|b    its object (or the noun its relative clause describes) is neither a nor b
    pobj=a|b      the object of one of its prepositions has the lemma a or b
    objactor      its direct object is an actor (a state, person, organisation...)
    noobj         it has no object at all ("the two leaders met")
    head=a|b      (nouns) the word it hangs from has the lemma a or b ("lodged a protest")
    ccomp         it governs a that-clause ("protested that the authorities failed")
    forto         it governs a "for X to ..." clause ("called for the council to act")
    subj=a|b      its subject (or passive subject) has the lemma a or b ("aid arrived",
                  "hostilities stopped", "hundreds of police were called")
    xcomp         it governs an infinitive clause ("urged X to ...")
    directive     it has a hearer and a to-infinitive or a must/should clause ("told the
                  troops to withdraw", "told X that the truce must hold")
    xcomp=a|b     ... whose verb has the lemma a or b ("vowed to retaliate")
    mod=a|b       (nouns) a modifier has the lemma a or b ("hunger strike", "military operation")
    ccompnofuture (verbs of saying) its clause reports no future or modal act
    ccompfuture   (verbs of saying) its clause announces a future act ("warned it would ...")

The lexicon also gives the cheap pre-parse filter: every inflected form of every
trigger, so that sentences which cannot hold an event are never parsed.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from importlib import resources

from spacy.tokens import Token

from detente.errors import ResourceError
from detente.ontology import PLOVER_TYPES, Ontology

_IRREGULAR: dict[str, tuple[str, ...]] = {
    "meet": ("met",), "speak": ("spoke", "spoken"), "fly": ("flew", "flown", "flies"),
    "give": ("gave", "given"), "send": ("sent",), "withdraw": ("withdrew", "withdrawn"),
    "shoot": ("shot",), "fight": ("fought",), "seek": ("sought",), "strike": ("struck", "stricken"),
    "hit": ("hit",), "cut": ("cut",), "break": ("broke", "broken"), "freeze": ("froze", "frozen"),
    "undertake": ("undertook", "undertaken"), "hold": ("held",), "take": ("took", "taken"),
    "lead": ("led",), "forgive": ("forgave", "forgiven"), "quit": ("quit",), "shut": ("shut",),
    "beg": ("begged", "begging"), "plead": ("pled",), "sentence": ("sentenced",),
    "bomb": ("bombed",), "shell": ("shelled",), "free": ("freed",), "pound": ("pounded",),
    "ban": ("banned", "banning"), "step": ("stepped", "stepping"), "jail": ("jailed",),
    "commit": ("committed", "committing"), "patrol": ("patrolled", "patrolling"),
    "gun": ("gunned", "gunning"), "kidnap": ("kidnapped", "kidnapping"),
    "control": ("controlled",), "blockade": ("blockaded",),
    "blow": ("blew", "blown"), "throw": ("threw", "thrown"), "lay": ("laid",),
    "sink": ("sank", "sunk"), "beat": ("beaten",), "overrun": ("overran",),
    "stab": ("stabbed", "stabbing"), "drop": ("dropped", "dropping"), "rob": ("robbed",),
    "cede": ("ceded",), "shun": ("shunned", "shunning"), "snub": ("snubbed", "snubbing"),
    "override": ("overrode", "overridden"), "overrule": ("overruled",),
    "swear": ("swore", "sworn"), "forbid": ("forbade", "forbidden"),
    "shake": ("shook", "shaken"), "seize": ("seized",), "arise": ("arose", "arisen"),
    "bring": ("brought",), "unfreeze": ("unfroze", "unfrozen"),
    "find": ("found",), "sweep": ("swept",), "overthrow": ("overthrew", "overthrown"),
    "retake": ("retook", "retaken"), "uphold": ("upheld",), "withhold": ("withheld",),
    "overcome": ("overcame",), "win": ("won",), "sell": ("sold",), "buy": ("bought",),
    "drive": ("drove", "driven"), "begin": ("began", "begun"), "leave": ("left",),
    "build": ("built",), "spend": ("spent",), "lose": ("lost",), "stand": ("stood",),
    "keep": ("kept",), "tell": ("told",), "oversee": ("oversaw", "overseen"),
    "undertake": ("undertook", "undertaken"), "rebuild": ("rebuilt",), "bid": ("bid",),
    "spread": ("spread",), "set": ("set",), "put": ("put",), "let": ("let",),
    "come": ("came",), "go": ("went", "gone"), "run": ("ran",), "fall": ("fell", "fallen"),
}  # fmt: skip


def inflections(lemma: str) -> set[str]:
    """Over-generated inflected forms of an English verb or noun (for a pre-filter only)."""
    forms = {lemma, lemma + "s", lemma + "ed", lemma + "ing"}
    if lemma.endswith(("s", "x", "z", "ch", "sh", "o")):
        forms.add(lemma + "es")  # "aid" -> "aides" would be another word
    if lemma.endswith("e"):
        forms.add(lemma + "d")
    if lemma.endswith("e"):
        forms |= {lemma[:-1] + "ing"}
    if lemma.endswith("y"):
        forms |= {lemma[:-1] + "ies", lemma[:-1] + "ied"}
    if len(lemma) > 2 and lemma[-1] not in "aeiouwxy" and lemma[-2] in "aeiou":
        forms |= {lemma + lemma[-1] + "ed", lemma + lemma[-1] + "ing"}
    forms |= set(_IRREGULAR.get(lemma, ()))
    return forms


def _required_words(when: str) -> set[str] | None:
    """Words a rule's conditions need in the sentence (their inflections included), or None
    when a condition can hold without a fixed word (objactor, xcomp, noobj ...)."""
    needed: set[str] = set()
    parts = [p.strip() for p in when.split(";") if p.strip()]
    if not parts:
        return None
    best: set[str] | None = None
    for part in parts:
        key, _, value = part.partition("=")
        if key not in ("prep", "prt", "obj", "pobj", "subj", "mod", "head", "outof", "verdict") or not value:
            continue
        words = {w for v in _options(value) for w in (inflections(v) | {v})}
        # every condition must hold, so the most selective one is enough to require
        if best is None or len(words) < len(best):
            best = words
    if best is None:
        return None
    needed |= best
    return needed


_DIRECTIVE_MODALS = frozenset({"must", "should"})


def _options(value: str) -> frozenset[str]:
    return frozenset(v.strip().lower() for v in value.split("|") if v.strip())


def _children(token: Token, *deps: str) -> list[Token]:
    return [c for c in token.children if c.dep_ in deps]


def _objects(token: Token) -> list[Token]:
    objs = _children(token, "dobj", "nsubjpass", "attr", "dative")
    if token.dep_ == "acl" and token.tag_ == "VBN":
        objs.append(token.head)  # "restrictions lifted on ...": the noun the participle modifies
    if not objs and token.tag_ in ("VBN", "VBD") and not _children(token, "aux"):
        # headline grammar drops "were": in "Sanctions on X lifted" the subject underwent it
        # (only a subject the rule names as its object counts: "Iran lifted" stays Iran's)
        objs.extend(_children(token, "nsubj"))
    for obj in list(objs):
        objs.extend(c for c in obj.conjuncts)
        # "25,000 tons of food aid", "dozens of troops": the measured thing
        for prep in _children(obj, "prep"):
            if prep.lower_ == "of":
                objs.extend(_children(prep, "pobj"))
    return objs


Condition = Callable[[Token, Callable[[Token], bool]], bool]


def _condition(key: str, value: str) -> Condition:
    opts = _options(value)
    if key == "prep":
        # the preposition follows the trigger closely ("called on Iran", not "On Jan. 10, ... called")
        def prep(t: Token, _: Callable[[Token], bool]) -> bool:
            objects = [o.i for o in _children(t, "dobj", "dative")]
            return any(
                c.lower_ in opts
                and 0 < c.i - t.i <= 3
                and not any(t.i < o < c.i for o in objects)  # "called Lavrov on Friday"
                for c in _children(t, "prep", "agent")
            )

        return prep
    if key == "prt":
        # "pushed the militants out of Idlib": "out of" is parsed as a preposition
        return lambda t, _: any(c.lower_ in opts for c in _children(t, "prt", "advmod")) or any(
            c.lower_ in opts and any(g.dep_ == "prep" and g.lower_ == "of" for g in c.children)
            for c in _children(t, "prep")
        )
    if key == "noprt":
        return lambda t, _: not any(c.lower_ in opts for c in _children(t, "prt"))
    if key == "obj":
        return lambda t, _: any(o.lemma_.lower() in opts or o.lower_ in opts for o in _objects(t))
    if key == "notobj":
        # "occupied the town", not "occupied a position for a decade"
        return lambda t, _: not any(
            o.lemma_.lower() in opts or o.lower_ in opts for o in _objects(t)
        ) and not (t.dep_ == "relcl" and t.head.lemma_.lower() in opts)
    if key == "pobj":
        return lambda t, _: any(
            o.lemma_.lower() in opts or o.lower_ in opts
            for p in _children(t, "prep")
            for o in _children(p, "pobj")
        )
    if key == "notsubj":
        # "Putin arrived in Ankara" is a visit; "four extremists arrived in Turkey" is not
        return lambda t, f: not _condition("subj", value)(t, f)
    if key == "subj":
        def subj(t: Token, _: Callable[[Token], bool]) -> bool:
            heads = _children(t, "nsubj", "nsubjpass")
            # "shops smashed by protesters": the agent of a passive did it
            heads.extend(o for a in _children(t, "agent") for o in _children(a, "pobj"))
            heads.extend([c for h in heads for c in h.conjuncts])  # "trainers and arms arrive"
            for h in list(heads):  # "hundreds of police"
                for prep in _children(h, "prep"):
                    if prep.lower_ == "of":
                        heads.extend(_children(prep, "pobj"))
            return any(h.lemma_.lower() in opts or h.lower_ in opts for h in heads)

        return subj
    if key == "ccomp":
        return lambda t, _: bool(_children(t, "ccomp"))
    if key == "outof":
        # "pulled out of the agreement": what is left, through "out of" however it is parsed
        def outof(t: Token, _: Callable[[Token], bool]) -> bool:
            outs = [c for c in t.children if c.lower_ == "out" and c.dep_ in ("prt", "prep", "advmod")]
            ofs = [g for o in [t, *outs] for g in o.children if g.dep_ == "prep" and g.lower_ == "of"]
            return bool(outs) and any(
                o.lemma_.lower() in opts or o.lower_ in opts
                for p in ofs for o in p.children if o.dep_ == "pobj"
            )

        return outof
    if key == "verdict":
        # "found the governor guilty", "ruled the law unconstitutional": the finding is a
        # complement (or, misparsed, an object) of the verb
        return lambda t, _: any(
            c.lemma_.lower() in opts or c.lower_ in opts
            for c in t.children
            if c.dep_ in ("ccomp", "oprd", "acomp", "xcomp", "dobj", "advcl")
        )
    if key == "notpobj":
        # "stabbed Turkey in the back" is a betrayal, not a stabbing
        return lambda t, f: not _condition("pobj", value)(t, f)
    if key == "noccomp":
        # "agreed that Moscow was responsible" is a shared judgement, not a promise
        return lambda t, _: not _children(t, "ccomp")
    if key == "notxcomp":
        # "declined to comment" is no refusal
        return lambda t, _: not any(c.lemma_.lower() in opts for c in _children(t, "xcomp"))
    if key == "forto":
        # "called for the council to relinquish ...": a for-to clause under the trigger
        return lambda t, _: any(
            any(m.dep_ == "mark" and m.lower_ == "for" for m in c.children)
            for c in t.children
            if c.dep_ in ("advcl", "ccomp", "xcomp")
        )
    if key == "head":
        return lambda t, _: t.head.lemma_.lower() in opts
    if key == "noobj":
        return lambda t, _: not _children(t, "dobj", "nsubjpass", "attr", "dative", "ccomp")
    if key == "objactor":
        return lambda t, is_actor: any(is_actor(o) for o in _children(t, "dobj", "nsubjpass"))
    if key == "directive":
        # "told the troops to withdraw", "told Erdogan that the ceasefire must be applied":
        # a hearer and what they are to do; not "officials told AFP that ..."
        return lambda t, _: bool(_children(t, "dobj", "dative")) and any(
            any(a.dep_ == "aux" and a.lower_ == "to" for a in c.children)
            or any(a.dep_ == "aux" and a.lower_ in _DIRECTIVE_MODALS for a in c.subtree)
            for c in _children(t, "xcomp", "ccomp")
        )
    if key == "xcomp":
        if not opts:
            # "pressing Turkey to extradite him" is often parsed with an advcl
            return lambda t, _: bool(_children(t, "xcomp", "ccomp")) or any(
                any(a.dep_ == "aux" and a.lower_ == "to" for a in c.children)
                for c in _children(t, "advcl")
            )
        return lambda t, _: any(c.lemma_.lower() in opts for c in _children(t, "xcomp"))
    if key == "mod":
        # any modifier before the noun, nested ones too ("joint infrastructure project")
        return lambda t, _: any(
            c.lemma_.lower() in opts or c.lower_ in opts
            for c in t.subtree
            if c.i < t.i and c.dep_ in ("amod", "compound", "nmod", "npadvmod")
        )
    if key == "ccompfuture":
        future = {"will", "would", "'ll", "shall", "wo"}
        risk = {"risk", "face", "pay"}  # "warned that X risked a confrontation"
        return lambda t, _: any(
            c.dep_ == "ccomp"
            and (any(a.lower_ in future for a in _children(c, "aux")) or c.lemma_.lower() in risk)
            for c in t.children
        )
    if key == "ccompmodal":
        # "agreed that their countries should cooperate": what is to be done, not a judgement
        modal = {"will", "would", "shall", "should", "must", "'ll", "wo", "can", "could"}
        return lambda t, _: any(
            c.dep_ == "ccomp" and any(a.lower_ in modal for a in _children(c, "aux"))
            for c in t.children
        )
    if key == "ccompnofuture":
        modal = {"will", "would", "could", "might", "may", "shall", "'ll", "can"}
        return lambda t, _: any(
            c.dep_ == "ccomp" and not any(a.lower_ in modal for a in _children(c, "aux"))
            for c in t.children
        )
    raise ResourceError(f"triggers.csv: unknown condition {key!r}")


@dataclass(frozen=True)
class TriggerRule:
    """One lexicon rule: a lemma that, under its conditions, expresses an event."""

    lemma: str
    pos: str  # "V" or "N"
    event: str
    mode: str | None
    cameo: str
    when: str
    weight: float
    conditions: tuple[Condition, ...] = ()

    def applies(self, token: Token, is_actor: Callable[[Token], bool]) -> bool:
        return all(cond(token, is_actor) for cond in self.conditions)


def _generality(rule: TriggerRule) -> int:
    """0: the rule asks for something; 1: it only rules things out; 2: it has no condition."""
    if not rule.conditions:
        return 2
    keys = [p.split("=", 1)[0].strip() for p in rule.when.split(";") if p.strip()]
    return 1 if all(k.startswith("no") for k in keys) else 0


class TriggerLexicon:
    """Trigger rules indexed by (lemma, part of speech)."""

    def __init__(self, *, rules: Iterable[TriggerRule]) -> None:
        self._rules: dict[tuple[str, str], list[TriggerRule]] = {}
        for rule in rules:
            self._rules.setdefault((rule.lemma, rule.pos), []).append(rule)
        for key, listed in self._rules.items():
            # the first rule that holds wins, so a rule that asks for something ("withdraw
            # a complaint") goes before its word's catch-all ("withdraw"), and before rules
            # that only rule things out ("agree", unless agreeing that ...), wherever listed
            self._rules[key] = sorted(listed, key=_generality)
        self._lemma_of: dict[str, set[str]] = {}
        for lemma, _ in self._rules:
            for form in inflections(lemma):
                self._lemma_of.setdefault(form, set()).add(lemma)
        self.surface_forms: frozenset[str] = frozenset(self._lemma_of)
        # For the pre-parse filter: per surface form, the words one of its rules needs to
        # see in the sentence (None: some rule needs none). "down" only matters beside
        # "jet", "plane" ...; "close" beside "border", "embassy" ...
        self._needs: dict[str, frozenset[str] | None] = {}
        for form, lemmas in self._lemma_of.items():
            needed: set[str] = set()
            for lemma in lemmas:
                for (lem, _pos), rules in self._rules.items():
                    if lem != lemma:
                        continue
                    for rule in rules:
                        words = _required_words(rule.when)
                        if words is None:
                            needed = set()
                            break
                        needed |= words
                    else:
                        continue
                    break
                else:
                    continue
                break
            else:
                self._needs[form] = frozenset(needed)
                continue
            self._needs[form] = None

    @classmethod
    def load(cls, *, ontology: Ontology) -> TriggerLexicon:
        text = resources.files("detente").joinpath("data/triggers.csv").read_text("utf-8")
        lines = [ln for ln in text.splitlines() if ln.strip() and not ln.startswith("#")]
        rules = []
        for n, row in enumerate(csv.DictReader(io.StringIO("\n".join(lines))), start=2):
            if row["event"] not in PLOVER_TYPES or row["pos"] not in ("V", "N"):
                raise ResourceError(f"triggers.csv rule {n}: bad event or pos in {row}")
            ontology.cameo(row["cameo"])  # validates the code
            conds = []
            for part in filter(None, (p.strip() for p in row["when"].split(";"))):
                key, _, value = part.partition("=")
                conds.append(_condition(key, value))
            rules.append(
                TriggerRule(
                    lemma=row["lemma"],
                    pos=row["pos"],
                    event=row["event"],
                    mode=row["mode"] or None,
                    cameo=row["cameo"],
                    when=row["when"],
                    weight=float(row["weight"]),
                    conditions=tuple(conds),
                )
            )
        # conditioned rules are tried before a lemma's unconditioned default
        rules.sort(key=lambda r: (r.lemma, r.pos, not r.conditions))
        return cls(rules=rules)

    def rule_for(self, token: Token, is_actor: Callable[[Token], bool]) -> TriggerRule | None:
        """The first rule for this token's lemma and part of speech whose conditions hold."""
        pos = "V" if token.pos_ in ("VERB", "AUX") else "N" if token.pos_ in ("NOUN", "PROPN") else None
        if pos is None:
            return None
        lemma = token.lemma_.lower()
        rules = self._rules.get((lemma, pos)) or self._rules.get((token.lower_, pos))
        if not rules:
            # the lemmatizer errs on some forms ("staged" -> "stag"): try the forms we generate
            for candidate in sorted(self._lemma_of.get(token.lower_, ())):
                rules = self._rules.get((candidate, pos))
                if rules:
                    break
        if not rules:
            return None
        for rule in rules:
            if rule.applies(token, is_actor):
                return rule
        return None

    def verb_rule_for_noun(self, token: Token) -> TriggerRule | None:
        """Headline grammar tags verbs as plural nouns ("Air Force Bombs Camp"): the
        unconditioned verb rule of such a form, if any."""
        for lemma in sorted(self._lemma_of.get(token.lower_, ())):
            for rule in self._rules.get((lemma, "V"), ()):
                if not rule.conditions:
                    return rule
        return None

    def may_trigger(self, word: str) -> bool:
        """Cheap test on a lower-cased surface word (before any parse)."""
        return word in self.surface_forms

    def may_hold_event(self, words: set[str]) -> bool:
        """Cheap test on a sentence's lower-cased words (before any parse): does some
        trigger form appear with the words its rules need?"""
        for word in words & self.surface_forms:
            needed = self._needs.get(word)
            if needed is None or needed & words:
                return True
        return False
