"""Actors from the parse: who a noun phrase stands for, in its sentence and its article.

`ActorResolver.resolve(head, ...)` reads the noun phrase headed by `head` (its compounds,
adjectives, possessors, appositions and "of" phrases) together with the knowledge-base
mentions found in it, and returns one `Actor` per conjunct ("Pakistan and Russia" gives
two). People resolve to the office they held on the event date; titles with a country
("Russia's Foreign Minister", "the Pakistani foreign minister") resolve to the office
holder of that date; pronouns and "the two countries" / "both sides" resolve through the
`Discourse`, the article's memory of who was mentioned last.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from spacy.tokens import Span, Token

from detente.actor_matcher import Mention
from detente.knowledge import ActorKB, EntryKind, KBEntry
from detente.records import Actor, Sector

# Dependencies that stay inside a noun phrase when we read who it names.
_NP_DEPS = frozenset(
    {"compound", "amod", "poss", "nmod", "appos", "det", "case", "punct", "flat", "nummod",
     "quantmod", "npadvmod", "cc"}
)  # fmt: skip
_PERSONAL = frozenset({"he", "she", "him", "her", "his", "hers"})
_PLURAL = frozenset({"they", "them", "their"})
_NEUTER = frozenset({"it", "its"})
# "X-backed" modifiers name a patron, not the actor itself.
PATRON_WORDS = frozenset({"back", "backed", "support", "supported", "sponsor", "sponsored",
                           "fund", "funded", "arm", "armed", "train", "trained", "ally", "allied",
                           "align", "aligned", "link", "linked", "affiliate", "affiliated",
                           "inspire", "inspired", "raise", "raised", "supply", "supplied",
                           "make", "made", "build", "built", "equip", "equipped", "finance",
                           "financed", "provide", "provided"})  # fmt: skip
# People who serve someone: "an adviser to X" belongs to X's side.
_AIDE_HEADS = frozenset({"adviser", "advisor", "aide", "spokesman", "spokeswoman", "spokesperson",
                         "secretary", "deputy", "assistant", "counsellor", "counselor"})  # fmt: skip
SAY_VERBS = frozenset({"say", "tell", "announce", "state", "declare", "add", "report", "claim",
                       "insist", "note", "confirm", "write", "argue", "reiterate", "stress",
                       "warn", "vow", "pledge", "promise", "threaten", "affirm", "assert",
                       "maintain", "signal", "indicate", "suggest", "admit", "acknowledge"})  # fmt: skip
# Heads that only count or group the actors of their "of" phrase ("thousands of protesters").
_QUANTITY_HEADS = frozenset({"tens", "hundreds", "thousands", "millions", "dozens", "scores",
                             "hundred", "thousand", "million", "dozen", "group", "groups",
                             "members", "member", "some", "many", "most", "all", "number",
                             "crowd", "crowds", "band", "unit", "units", "delegation",
                             "team", "wing", "faction", "branch", "head", "chief",
                             "leader", "leaders", "spokesman", "spokeswoman", "spokesperson",
                             "official", "officials", "representative", "representatives",
                             "supporters", "activists"})  # fmt: skip
PAIR_HEADS = frozenset({"country", "countries", "side", "sides", "nation", "nations", "state",
                         "states", "government", "governments", "neighbour", "neighbours",
                         "neighbor", "neighbors", "leader", "leaders", "partner", "partners"})  # fmt: skip
_PAIR_DETS = frozenset({"two", "both"})


@dataclass
class Discourse:
    """What an article has mentioned so far, for pronouns and "the two countries"."""

    last_person: Actor | None = None
    people: list[Actor] = field(default_factory=list)  # persons named, most recent last
    last_group: tuple[Actor, ...] = ()
    last_actor: Actor | None = None
    sentence: int = 0  # the sentence being read
    group_at: int = -99  # the sentence that named last_group

    def group_within(self, sentences: int) -> tuple[Actor, ...]:
        """The last pair named, if it was named at most `sentences` sentences ago."""
        return self.last_group if self.sentence - self.group_at <= sentences else ()

    def set_group(self, actors: Sequence[Actor]) -> None:
        self.last_group = tuple(actors)
        self.group_at = self.sentence

    def note_person(self, actor: Actor) -> None:
        """A person was just named: the first candidate for "he" or "she"."""
        self.last_person = actor
        self.people = [p for p in self.people[-5:] if p.text != actor.text] + [actor]

    def remember(self, actors: Sequence[Actor], *, is_person: Sequence[bool]) -> None:
        for actor, person in zip(actors, is_person, strict=True):
            if person:
                self.note_person(actor)
            self.last_actor = actor
        countries = {a.country for a in actors if a.country}
        if len(actors) >= 2 and len(countries) >= 2:
            self.set_group(actors)


@dataclass(frozen=True)
class ResolvedActor:
    """An actor with where it came from (for confidence and the discourse)."""

    actor: Actor
    head: Token
    is_person: bool = False
    from_discourse: bool = False
    alternatives: tuple[Actor, ...] = field(default=(), compare=False)


def np_tokens(head: Token, *, follow_of: bool = True) -> list[Token]:
    """The tokens of the noun phrase headed by `head`, without clauses and conjuncts.

    Modifiers' own conjuncts stay ("Russian and Chinese ministers"); an "of" or "from"
    phrase is followed only from the head ("President of the UN General Assembly",
    "fighters from Iraq").
    """
    out = [head]
    stack = [head]
    listed: set[int] = set()  # conjuncts of an "of" phrase ("of Germany, France and Italy")
    while stack:
        tok = stack.pop()
        for child in tok.children:
            # "fighters from Iraq" are Iraqi as "officials of Iraq" are
            keep = child.dep_ in _NP_DEPS or (
                follow_of and child.dep_ == "prep" and child.lower_ in ("of", "from")
                and tok.i == head.i
            )
            if child.dep_ == "pobj" and tok.dep_ == "prep" and (
                tok.lower_ in ("of", "from")
                or (tok.lower_ == "to" and tok.head.lower_ in _AIDE_HEADS)
            ):
                keep = True
            if child.dep_ == "conj" and tok.i != head.i and tok.dep_ in ("amod", "compound", "poss"):
                keep = True
            if child.dep_ == "conj" and (tok.i in listed or (
                tok.dep_ == "pobj" and tok.head.head.i == head.i
                and tok.head.lower_ in ("of", "from", "in")
            )):
                keep = True  # "the foreign ministers of Germany, France and Italy"
                listed.add(child.i)
            if (
                follow_of and child.dep_ == "prep" and child.lower_ == "to"
                and tok.lower_ in _AIDE_HEADS
            ):
                keep = True  # "a senior adviser to Iran's supreme leader"
            if child.dep_ == "prep" and child.lower_ == "to" and tok.lower_ == "loyal":
                keep = True  # "militants loyal to Iraq's al-Qaeda frontman": whose they are
            if child.dep_ == "pobj" and tok.lower_ == "to" and tok.head.lower_ == "loyal":
                keep = True
            if child.dep_ in ("amod", "compound") and child.lemma_.lower() in PATRON_WORDS:
                keep = False  # "US-backed rebels" are not American; "Saudi-led" stays
            if keep and child.dep_ != "cc":
                out.append(child)
                stack.append(child)
    words = [t.i for t in out if t.dep_ != "punct"]
    # commas around a clause the phrase skips ("forces, backed by ..., have") stay outside
    return sorted((t for t in out if t.dep_ != "punct" or min(words) < t.i < max(words)),
                  key=lambda t: t.i)


class ActorResolver:
    """Resolves noun phrases of a parsed sentence to actors."""

    def __init__(self, *, kb: ActorKB) -> None:
        self._kb = kb

    # -- public -------------------------------------------------------------
    def resolve(
        self,
        head: Token,
        *,
        mentions: dict[int, Mention],
        on: dt.date | None,
        discourse: Discourse,
        with_conjuncts: bool = True,
    ) -> list[ResolvedActor]:
        """All actors named by the noun phrase at `head` (and its conjuncts)."""
        heads = [head, *head.conjuncts] if with_conjuncts else [head]
        if with_conjuncts:
            # "The US, UK and France carried out strikes": a list the parser read as an
            # apposition ("UK") with conjuncts of its own ("France")
            for h in list(heads):
                own = mentions.get(h.i)
                if own is None or own.entry.kind is not EntryKind.STATE:
                    continue
                for appos in (c for c in h.children if c.dep_ == "appos"):
                    listed = mentions.get(appos.i)
                    if listed is not None and listed.entry.kind is EntryKind.STATE:
                        heads.extend(c for c in appos.conjuncts if c.i > appos.i)
        out: list[ResolvedActor] = []
        for h in heads:
            if h.i < head.i and h != head:
                continue  # conjuncts are listed from the first one
            out.extend(self._resolve_one(h, mentions=mentions, on=on, discourse=discourse))
        # "Hungarian and Romanian officials": one head, several country adjectives
        return out

    def is_actor(self, token: Token, mentions: dict[int, Mention]) -> bool:
        """Does this token head a phrase naming a state, organisation, group or person?"""
        for tok in np_tokens(token):
            m = mentions.get(tok.i)
            if m and m.entry.kind is not EntryKind.AGENT:
                return True
        return token.ent_type_ in ("PERSON", "NORP", "GPE", "ORG") or token.lower_ in _PERSONAL

    # -- internals ----------------------------------------------------------
    def _resolve_one(
        self, head: Token, *, mentions: dict[int, Mention], on: dt.date | None, discourse: Discourse
    ) -> list[ResolvedActor]:
        low = head.lower_
        if (
            head.lower_ == "who" and head.head.dep_ == "relcl" and head.head.head != head
            and head.i > 0 and head.doc[head.i - 1].text == ","
        ):
            # "Trump, who used an address to castigate Russia": who is the person described
            # (a restrictive "a rapper who arrived in Germany" only describes someone)
            return self._resolve_one(
                head.head.head, mentions=mentions, on=on, discourse=discourse
            )
        if head.pos_ == "PRON" or low in _PERSONAL or low in _PLURAL or low in _NEUTER:
            speaker = _speaker_of(head)
            if speaker is not None and low in _PLURAL and not _plural(speaker):
                # "the ministry said they had killed 20 hostages": not the ministry
                speaker = None
            if speaker is not None:
                # "Russia and Turkey said they would ...": they are both
                found = (
                    self.resolve(speaker, mentions=mentions, on=on, discourse=discourse)
                    if low in _PLURAL
                    else self._resolve_one(speaker, mentions=mentions, on=on, discourse=discourse)
                )
                if found:
                    return found
            if low in _PERSONAL:
                earlier = self._earlier_person(head, mentions, on) or self._fronted_for(
                    head, mentions, on
                )
                if earlier is not None:
                    return [ResolvedActor(earlier, head, True, True)]
            if low in _PERSONAL and discourse.last_person:
                person = self._by_gender(low, discourse) or discourse.last_person
                return [ResolvedActor(person, head, True, True)]
            group = discourse.group_within(1)  # "they" reaches back one sentence only
            if low in _PLURAL and group:
                return [ResolvedActor(a, head, False, True) for a in group]
            if low in _PERSONAL and head.dep_ in ("nsubj", "nsubjpass"):
                # "He also called for ...": someone acts whom the text has not named; an
                # actor of unknown name and country, as for a person the KB does not know
                return [ResolvedActor(Actor(head.text, None, None, None, None), head, True, True)]
            return []
        head_entry = mentions.get(head.i)
        if (
            head_entry is not None
            and head_entry.entry.kind is EntryKind.AGENT
            and head.pos_ == "PROPN" and head.is_title
            and head_entry.start == head_entry.end - 1 == head.i
            and not any(c.dep_ in ("det", "poss", "compound", "amod", "nummod")
                        for c in head.children)
        ):
            # "Bishop told News Corp ...": a bare capitalised agent word is a surname
            return [ResolvedActor(Actor(head.text, head.text, None, None, None), head, True)]
        agentive = (
            head_entry is not None
            or head.ent_type_ in ("PERSON", "ORG", "GPE", "NORP")
            or low in _QUANTITY_HEADS
        )
        tokens = np_tokens(head, follow_of=agentive)
        dets = {t.lower_ for t in tokens if t.dep_ in ("det", "nummod", "predet")}
        pair = discourse.group_within(4)
        if low in PAIR_HEADS and dets & _PAIR_DETS and pair:
            return [ResolvedActor(a, head, False, True) for a in pair]

        # "Assad's backer, Russia": an apposition that names an actor says who it is
        for appos in (c for c in head.children if c.dep_ == "appos"):
            if any(mentions.get(t.i) is not None for t in np_tokens(appos, follow_of=False)):
                named = self._resolve_one(appos, mentions=mentions, on=on, discourse=discourse)
                own = mentions.get(head.i)
                if named and (own is None or own.entry.kind is EntryKind.AGENT):
                    return named
        found = self._mentions_in(tokens, mentions)
        text = _span_text(head, tokens)
        people = [m for m in found if m.entry.kind is EntryKind.PERSON]
        if head_entry is None or head_entry.entry.kind is not EntryKind.PERSON:
            # a possessor names whose thing it is ("Putin's visits" aside): not the actor
            owners = [m for m in people if head.doc[m.end - 1].dep_ == "poss"]
            if owners and head_entry is None and head.ent_type_ != "PERSON":
                people = [m for m in people if m not in owners]
        named = [m for m in found if m.entry.kind in (EntryKind.GROUP, EntryKind.IGO)]
        places = [m for m in found if m.entry.kind in (EntryKind.STATE, EntryKind.SEAT)]
        ethnic = [
            m for m in found
            if m.entry.kind is EntryKind.ADJECTIVE
            and m.start > 0 and head.doc[m.start - 1].lower_ == "ethnic"
        ]  # "ethnic Albanians in Serbia" are not Albania: civilians of where they are
        adjectives = [
            m for m in found if m.entry.kind is EntryKind.ADJECTIVE and m not in ethnic
        ]
        agents = [m for m in found if m.entry.kind is EntryKind.AGENT]
        head_mention = mentions.get(head.i)
        if head_mention is not None and head_mention.entry.kind in (EntryKind.STATE, EntryKind.SEAT):
            # "Turkey, formerly a supporter of ...": an apposition does not change the state
            described = {t.i for c in head.children if c.dep_ == "appos" for t in c.subtree}
            agents = [m for m in agents if m.start not in described]

        if people:
            person = _closest(people, head)
            actor = self._person(person.entry, text, on)
            heads_person = person.start <= head.i < person.end or head_mention is None or (
                head_mention.entry.kind is EntryKind.AGENT
                and head_mention.entry.agent_kind in ("title", "relative")
            )
            if heads_person:
                return [ResolvedActor(actor, head, True)]
            # "the Trump administration": the person's country, the head's sector
            if head_mention.entry.kind is EntryKind.AGENT and actor.country:
                sec = head_mention.entry.sector
                return [ResolvedActor(
                    Actor(text, self._kb.country_name(actor.country), actor.country, sec,
                          self._kb.cameo_code(actor.country, sec)), head)]
        agent = _closest(agents, head) if agents else None
        sector = agent.entry.sector if agent else None
        if head_mention and head_mention.entry.kind in (EntryKind.GROUP, EntryKind.IGO):
            return [ResolvedActor(self._from_entry(head_mention.entry, text, None), head)]
        if named and (not places or head_mention is None):
            entry = _closest(named, head).entry
            if entry.kind is EntryKind.IGO or not places:
                return [ResolvedActor(self._from_entry(entry, text, sector), head)]
        countries = places or adjectives
        if not countries:
            if agent is None and (head.ent_type_ == "PERSON" or _named_speaker(head)):
                # someone the knowledge base does not know, with no title or country: an
                # actor of unknown country (annotators code "a lawyer said ..." events too)
                return [ResolvedActor(Actor(text, text, None, None, None), head, True)]
            if agent is not None:
                if (
                    head_mention is None and head.pos_ == "NOUN"
                    and all(head.doc[a.end - 1].dep_ in ("amod", "compound") for a in agents)
                ):
                    return []  # "military cooperation", "police reform": a kind of thing
                return [ResolvedActor(Actor(text, None, None, sector, None), head)]
            if ethnic:
                return [ResolvedActor(Actor(text, None, None, Sector.CVL, None), head)]
            if (low in CROWDS and not any(c.dep_ == "prep" for c in head.children)) or (
                head.lemma_.lower() in GATHERINGS and head.dep_ == "nsubj"
            ):
                # "thousands marched", "hundreds were killed": people, of where it happened
                return [ResolvedActor(Actor(text, None, None, Sector.CVL, None), head)]
            return []
        actors = []
        for m in _distinct_countries(countries):
            entry = m.entry
            sec = sector
            if sec is None and entry.kind is EntryKind.SEAT:
                sec = entry.sector or Sector.GOV
            name = self._kb.country_name(entry.country) if entry.country else entry.name
            title = agent.entry.title if agent else None
            is_person = False
            if title and entry.country and on:
                holder = self._kb.office_holder(entry.country, title, on)
                if holder is not None and _singular(head):
                    name, is_person = holder.name, True
            actor = Actor(text, name, entry.country, sec, self._kb.cameo_code(entry.country, sec))
            actors.append(ResolvedActor(actor, head, is_person))
        return actors

    def _earlier_person(
        self, pronoun: Token, mentions: dict[int, Mention], on: dt.date | None
    ) -> Actor | None:
        """ "Mr Putin travelled to Cairo, where he met ...": a person who is the subject
        earlier in the same sentence."""
        for tok in reversed(list(pronoun.doc[: pronoun.i])):
            m = mentions.get(tok.i)
            if (
                m is None and tok.dep_ == "nsubj" and tok.pos_ == "PROPN"
                and tok.ent_type_ == "PERSON"
            ):
                # "Javid caused controversy when he ordered ...": a subject the knowledge
                # base does not know is still the one "he" refers to
                name = tok.doc[tok.left_edge.i : tok.i + 1].text
                return Actor(name, name, None, None, None)
            if m is not None and m.entry.kind is EntryKind.PERSON and tok.i == m.end - 1:
                head = tok
                while head.dep_ in ("compound", "flat") and head.head != head:
                    head = head.head
                if head.i >= m.end:
                    continue  # "the Assad regime": the name only modifies another noun
                if head.dep_ in ("nsubj", "nsubjpass"):
                    gender = self._kb.gender_of(m.entry.name)
                    want = "f" if pronoun.lower_ in ("she", "her", "hers") else "m"
                    if gender is not None and gender != want:
                        continue  # "Trump met May, and she said ...": not Trump
                    return self._person(m.entry, head.text, on)
        return None

    def _by_gender(self, pronoun: str, discourse: Discourse) -> Actor | None:
        """"Trump met Theresa May. She criticised his remarks": the latest person of the
        pronoun's gender, when the knowledge base knows it (unknown people fit both)."""
        want = "f" if pronoun in ("she", "her", "hers") else "m"
        for person in reversed(discourse.people):
            gender = self._kb.gender_of(person.name) if person.name else None
            if gender is None or gender == want:
                return person
        return None

    def _fronted_for(
        self, pronoun: Token, mentions: dict[int, Mention], on: dt.date | None
    ) -> Actor | None:
        """ "Following his talks with May, Yildirim said ...": a pronoun in a phrase put
        before the main clause's subject refers forward to that subject."""
        root = pronoun.sent.root
        subject = next((c for c in root.children if c.dep_ == "nsubj"), None)
        if subject is None or subject.i <= pronoun.i:
            return None
        tok = pronoun
        while tok.head != tok and tok.head != root:
            tok = tok.head
        if tok.head != root or tok.dep_ not in ("prep", "advcl", "npadvmod") or tok.i > subject.i:
            return None
        m = mentions.get(subject.i)
        if m is not None and m.entry.kind is EntryKind.PERSON:
            return self._person(m.entry, subject.text, on)
        if m is None and subject.pos_ == "PROPN" and subject.ent_type_ == "PERSON":
            name = subject.doc[subject.left_edge.i : subject.i + 1].text
            return Actor(name, name, None, None, None)
        return None

    def _mentions_in(self, tokens: list[Token], mentions: dict[int, Mention]) -> list[Mention]:
        seen: dict[int, Mention] = {}
        for tok in tokens:
            m = mentions.get(tok.i)
            if m is not None:
                seen[m.start] = m
        return list(seen.values())

    def _person(self, entry: KBEntry, text: str, on: dt.date | None) -> Actor:
        role = self._kb.role_on(entry, on)
        if role is not None:
            country, sector = role.country, role.sector
        else:
            # out of office on that date: still of their country, no longer of its government
            latest = self._kb.role_on(entry, None)
            country, sector = (latest.country if latest else entry.country), entry.sector
        return Actor(text, entry.name, country, sector, self._kb.cameo_code(country, sector))

    def _from_entry(self, entry: KBEntry, text: str, sector: Sector | None) -> Actor:
        sec = entry.sector or sector
        code = entry.code or self._kb.cameo_code(entry.country, sec)
        return Actor(text, entry.name, entry.country, sec, code)


def _plural(head: Token) -> bool:
    """Can "they" stand for the phrase at `head` ("officials", "Russia and Turkey", "a group
    of leaders", "the government")? Not for "the ministry" or "Iran"."""
    return (
        head.tag_ in ("NNS", "NNPS")
        or head.lemma_.lower() in _COLLECTIVES
        or any(c.dep_ == "conj" for c in head.children)
        or any(
            p.dep_ == "prep" and p.lower_ == "of" and any(o.tag_ == "NNS" for o in p.children)
            for p in head.children
        )
    )


# Bodies British English often takes as plural ("the government said they would ...").
_COLLECTIVES = frozenset({"group", "team", "family", "party", "coalition", "alliance", "bloc",
                          "movement", "delegation", "government", "cabinet", "administration",
                          "council", "committee", "opposition", "militia", "regime"})  # fmt: skip


def _speaker_of(pronoun: Token) -> Token | None:
    """ "X said it/they would ...": a pronoun subject of reported speech is the speaker."""
    if pronoun.dep_ not in ("nsubj", "nsubjpass"):
        return None
    clause = pronoun.head
    for _ in range(3):
        if clause.dep_ in ("ccomp", "xcomp", "conj") and clause.head != clause:
            parent = clause.head
            if parent.lemma_.lower() in SAY_VERBS:
                for child in parent.children:
                    if child.dep_ == "nsubj" and child.pos_ != "PRON":
                        return child
                # "X was quoted as saying he ...", "X said ..., adding that he ...": the
                # speaker is the subject of the clause the saying hangs from
                governor = parent.head
                if parent.dep_ == "pcomp" and governor.lower_ == "as":
                    governor = governor.head
                elif parent.dep_ not in ("conj", "advcl"):
                    return None
                for child in governor.children:
                    if child.dep_ in ("nsubj", "nsubjpass") and child.pos_ != "PRON":
                        return child
                return None
            clause = parent
        else:
            return None
    return None


# Counts of people named without saying who: civilians, of the place of the event.
CROWDS = frozenset({"thousands", "hundreds", "tens", "dozens", "scores", "crowds", "crowd",
                     "millions"})  # fmt: skip
# Gatherings that stand for the people in them ("protests erupted across Iran").
GATHERINGS = frozenset({"protest", "demonstration", "rally", "riot", "march", "sit-in"})


def _named_speaker(head: Token) -> bool:
    """A proper name the tagger did not call a person, that says something ("Akunjee
    said"): someone speaking, most likely a person."""
    return (
        head.pos_ == "PROPN"
        and head.dep_ == "nsubj"
        and head.head.lemma_.lower() in (SAY_VERBS | _SPEECH_VERBS)
        and head.ent_type_ not in ("GPE", "LOC", "FAC", "NORP", "DATE", "TIME")
    )


# Things only people (or bodies speaking through them) do: "Tshisekedi condemned ...",
# "De Mistura pleaded with ..." name a speaker even when the tagger knows no such person.
_SPEECH_VERBS = frozenset({"condemn", "denounce", "criticise", "criticize", "accuse", "urge",
                           "plead", "appeal", "praise", "welcome", "warn", "threaten", "reject",
                           "deny", "demand", "blame", "insist", "vow", "pledge", "promise",
                           "reaffirm", "call", "ask", "thank", "congratulate", "apologise",
                           "apologize", "slam", "hail", "dismiss", "refuse"})  # fmt: skip


def _closest(mentions: list[Mention], head: Token) -> Mention:
    for m in mentions:
        if m.start <= head.i < m.end:
            return m
    return min(mentions, key=lambda m: abs(m.start - head.i))


def _distinct_countries(mentions: list[Mention]) -> list[Mention]:
    out: dict[str | None, Mention] = {}
    for m in mentions:
        out.setdefault(m.entry.country, m)
    return list(out.values())


def _singular(head: Token) -> bool:
    return head.tag_ in ("NN", "NNP")


def _span_text(head: Token, tokens: list[Token]) -> str:
    doc = head.doc
    start = min(t.i for t in tokens)
    end = max(t.i for t in tokens) + 1
    if end - start > 1 and doc[end - 1].tag_ == "POS":
        end -= 1  # "Russia's invasion": the actor is Russia
    span: Span = doc[start:end]
    text = span.text
    for lead in ("the ", "The ", "a ", "A ", "an ", "An "):
        if text.startswith(lead) and len(text) > len(lead) + 2:
            text = text[len(lead):]
            break
    return text.strip(" ,;:")
