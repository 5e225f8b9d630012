"""The coder: an article in, PLOVER/CAMEO event records out.

The pipeline reads top to bottom: split sentences -> keep those that can hold an event
(a trigger word and an actor word, found without parsing) -> parse them -> find actors
and events -> resolve dates and places -> build records. `Coder.build()` loads every
resource once; `code`, `code_article` and `code_many` reuse them.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import logging
import os
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from spacy.language import Language
from spacy.tokens import Doc, Token

from detente import __version__
from detente.actor_matcher import ActorMatcher, Mention
from detente.actors import CROWDS, PAIR_HEADS, PATRON_WORDS, SAY_VERBS, ActorResolver, Discourse
from detente.dates import DatePhrase, find_date_phrases, resolve_date
from detente.errors import InputError
from detente.events import CUE_WORDS, SAY_FORMS, Candidate, EventExtractor, promise_reading
from detente.knowledge import ActorKB, EntryKind
from detente.lexicon import TriggerLexicon, TriggerRule
from detente.nlp import load_pipeline
from detente.ontology import Ontology, quad_class
from detente.places import Gazetteer, event_location
from detente.records import (
    Actor,
    Article,
    Event,
    Location,
    Precision,
    QuadClass,
    ResolvedDate,
    Sector,
    Trigger,
)
from detente.sentences import Sentence, SentenceSplitter

log = logging.getLogger(__name__)

_PRONOUNS = frozenset({"he", "she", "they", "him", "her", "them", "his", "their"})
# A title bonus: the headline names the main event of a story.
# Candidates below this confidence are not reported (weak triggers with unresolved actors).
MIN_CONFIDENCE = 0.2
_TITLE_BONUS = 0.3
_HEADLINE_CONFIDENCE = 0.9  # a headline event with no body event of its type
_HEADLINE_MATCH = 0.95  # a body event of the headline's type
_BELOW_HEADLINE = 0.85  # other events of a story with a headline event
_PLACEHOLDER = re.compile(r"\{[^{}]*\}")
_POSSESSIVE = re.compile(r"\s*['’]s?$")
_LEAD_BONUS = 0.05
_MEETINGS = frozenset({"CONSULT", "AGREE"})  # held anywhere: the place is not the parties'
# Events that ended this long before publication are history the article recalls, not news.
HISTORY_DAYS = 730


@dataclass(frozen=True)
class CoderResources:
    """Everything the coder loads once."""

    nlp: Language
    kb: ActorKB
    matcher: ActorMatcher
    lexicon: TriggerLexicon
    ontology: Ontology
    gazetteer: Gazetteer


class Coder:
    """Codes articles into events. Build it once with `Coder.build()` and reuse it."""

    def __init__(self, *, resources: CoderResources) -> None:
        self._r = resources
        self._splitter = SentenceSplitter(nlp=resources.nlp)
        self._resolver = ActorResolver(kb=resources.kb)
        self._extractor = EventExtractor(
            lexicon=resources.lexicon, resolver=self._resolver, ontology=resources.ontology
        )
        self.version = f"detente {__version__} / {resources.kb.version}"
        self.history_days: int | None = HISTORY_DAYS
        self._options: dict[str, object] = {}

    @classmethod
    def build(
        cls,
        *,
        model: str | None = None,
        dictionaries: Sequence[Path] = (),
        history_days: int | None = HISTORY_DAYS,
    ) -> Coder:
        """Load the spaCy pipeline, the actor knowledge base (plus optional CAMEO
        dictionaries), the trigger lexicon and the gazetteer. Events dated more than
        `history_days` before publication are history and left out (None keeps them)."""
        nlp = load_pipeline(model)
        kb = ActorKB.load(dictionaries=dictionaries)
        ontology = Ontology.load()
        resources = CoderResources(
            nlp=nlp,
            kb=kb,
            matcher=ActorMatcher(kb=kb, vocab=nlp.vocab),
            lexicon=TriggerLexicon.load(ontology=ontology),
            ontology=ontology,
            gazetteer=Gazetteer.load(),
        )
        coder = cls(resources=resources)
        coder.history_days = history_days
        coder._options = {
            "model": model, "dictionaries": tuple(dictionaries), "history_days": history_days
        }
        return coder

    # -- public -------------------------------------------------------------
    def code(
        self,
        text: str,
        *,
        published: dt.date | str | None = None,
        doc_id: str = "text",
        title: str | None = None,
    ) -> list[Event]:
        """Code one text; `published` resolves relative dates ("yesterday", "on Jan. 10")."""
        return self.code_article(
            Article(doc_id=doc_id, text=text, published=_as_date(published), title=title)
        )

    def code_article(self, article: Article) -> list[Event]:
        """Code one article into its events, in text order."""
        sentences = self._splitter.split(article.text)
        selected, mentions_of = self._select(sentences)
        docs = self._r.nlp.pipe([s.text for s in selected], batch_size=64)
        parsed = dict(zip((s.index for s in selected), docs, strict=True))
        headline = self._headline(article)
        dominant = _dominant_country(
            (m for _, ms in mentions_of.values() for m in ms),
            _place_countries(parsed.values(), self._r.gazetteer),
        )
        title_events = frozenset({headline.event}) if headline else frozenset()
        discourse = Discourse()
        events: list[Event] = []
        carried: ResolvedDate | None = None  # the last date a paragraph named
        previous_end = 0
        for sentence in sentences:
            discourse.sentence = sentence.index
            if "\n" in article.text[previous_end : sentence.start]:
                carried = None  # a new paragraph starts its own time
            previous_end = sentence.end
            doc = parsed.get(sentence.index)
            if doc is None:
                self._remember_unparsed(*mentions_of[sentence.index], discourse)
                continue
            mentions = self._r.matcher(doc)
            cands = self._extractor.extract(
                doc, mentions=mentions, on=article.published, discourse=discourse
            )
            for cand in cands:
                if cand.confidence >= MIN_CONFIDENCE:
                    event = self._record(
                        article, sentence, doc, cand, title_events, mentions,
                        carried if _told_in_past(cand.trigger)
                        and not _after(carried, article.published) else None,
                        dominant,
                    )
                    if not _history(event, article.published, self.history_days):
                        events.append(event)
            named_any = False
            for cand in cands:
                named = clause_date(cand.trigger, article.published)
                if named is not None:
                    carried, named_any = named, True
            if not named_any:
                # "Speaking as the airstrikes got under way early on Saturday, Mattis ...":
                # a sentence that codes nothing still sets its paragraph's day
                day = _named_day(doc, article.published)
                if day is not None:
                    carried = day
            self._remember(doc, mentions, article.published, discourse)
        if headline is not None and not any(e.event == headline.event for e in events):
            events.insert(0, headline)
        return events

    def code_many(
        self, articles: Iterable[Article], *, workers: int | None = None
    ) -> Iterator[tuple[Article, list[Event]]]:
        """Code many articles, on `workers` processes (default: all cores) when it pays."""
        from detente.parallel import code_in_parallel

        n = workers if workers is not None else (os.cpu_count() or 1)
        if n <= 1:
            for article in articles:
                yield article, self.code_article(article)
            return
        yield from code_in_parallel(articles, workers=n, coder=self, options=self._options)

    # -- stages -------------------------------------------------------------
    def _select(
        self, sentences: list[Sentence]
    ) -> tuple[list[Sentence], dict[int, tuple[Doc, list[Mention]]]]:
        """Sentences worth parsing: a trigger word and someone who could act."""
        tokenizer = self._r.nlp.tokenizer
        selected, mentions_of = [], {}
        for sentence in sentences:
            doc = tokenizer(sentence.text)
            mentions = self._r.matcher(doc)
            mentions_of[sentence.index] = (doc, mentions)
            words = {t.lower_ for t in doc}
            cued = bool(words & CUE_WORDS) and bool(words & SAY_FORMS)  # "X said Y must ..."
            if len(doc) < 3 or not (cued or self._r.lexicon.may_hold_event(words)):
                continue
            if (
                mentions
                or any(t.lower_ in _PRONOUNS or t.lower_ in CROWDS for t in doc)
                or _names_a_pair(doc)
            ):
                selected.append(sentence)
        return selected, mentions_of

    def _headline(self, article: Article) -> Event | None:
        """The event a separate title (headline) reports, if any.

        Headlines are written in title case and headline grammar ("Minister to Extend
        Martial Law"), so the title is parsed in sentence case and its main trigger (the
        one nearest the root) is taken as the story's main event. A body event of the same
        type is preferred as the record (it carries the actors and the evidence); the
        headline becomes a record of its own, with `sentence_index` -1 and offsets into
        the title, only when no body event has its type.
        """
        if not article.title or not article.title.strip():
            return None
        title = article.title.strip()
        doc = self._r.nlp(_sentence_case(_PLACEHOLDER.sub("X", title)))
        best = None
        for tok in doc:
            rule = self._r.lexicon.rule_for(tok, lambda _t: True)
            if rule is None and tok.dep_ == "ROOT" and tok.pos_ in ("NOUN", "PROPN"):
                rule = self._r.lexicon.verb_rule_for_noun(tok)
            if rule is None or any(c.dep_ == "neg" for c in tok.children):
                continue
            depth = float(sum(1 for _ in tok.ancestors))
            if tok.dep_ == "acl" and tok.tag_ == "VBN":
                depth -= 1.5  # "Ban on party overturned": what happened to the noun is the news
            key = (depth, -rule.weight)
            if best is None or key < best[0]:
                best = (key, tok, rule, 0)
        # "Government lifts curfew", "X releases detained activists": the verb was read as
        # a noun, and a lesser trigger ("curfew", "detained") would stand for it
        reread = _headline_verb_reread(doc, self._r.nlp, self._r.lexicon)
        if reread is not None and (
            best is None
            or best[0][0] > 0
            or best[1].pos_ != "VERB"
            or best[1].idx > reread[1].idx + reread[3]
        ):
            best = reread
        if best is None:
            best = _misread_headline_verb(doc, self._r.lexicon)
        if best is None:
            return None
        _, tok, rule, shift = best
        event, cameo = rule.event, rule.cameo
        reading = promise_reading(tok, rule, self._r.lexicon) if rule.event == "AGREE" else None
        if reading:
            event, cameo = reading[0], reading[1]
        conditional = any(
            c.dep_ == "advcl" and any(m.lower_ in ("if", "unless") for m in c.children)
            for c in tok.children
        )
        possible = any(c.dep_ == "aux" and c.lower_ in ("could", "may", "might") for c in tok.children)
        if (conditional or possible) and quad_class(event) in (
            QuadClass.MATERIAL_CONFLICT, QuadClass.VERBAL_CONFLICT
        ):
            event, cameo = "THREATEN", "130"  # "Government to Detain Journalists if ..."
        code = self._r.ontology.cameo(cameo)
        published = article.published
        actor = Actor(text="", name=None, country=None, sector=None, code=None)
        start = tok.idx + shift
        trigger_text = title[start : start + len(tok.text)] if len(title) == len(doc.text) else tok.text
        return Event(
            event_id=_event_id(article, -1, start, event, actor, None),
            doc_id=article.doc_id,
            event=event,
            mode=rule.mode if event == rule.event else None,
            context=code.context,
            cameo=code.code,
            goldstein=code.goldstein,
            quad_class=quad_class(event),
            actor=actor,
            recipient=None,
            date=published.isoformat() if published else None,
            date_precision=Precision.DAY if published else None,
            location=None,
            sentence_index=-1,
            sentence=title,
            trigger=Trigger(trigger_text, start, start + len(tok.text)),
            confidence=_HEADLINE_CONFIDENCE,
            coder_version=self.version,
        )

    def _remember(
        self, doc: Doc, mentions: list[Mention], on: dt.date | None, discourse: Discourse
    ) -> None:
        """After a sentence: who did it mention (for "he", "they", "the two countries")."""
        by_token = {i: m for m in mentions for i in range(m.start, m.end)}
        seen: set[int] = set()
        subject_person: Actor | None = None
        other_person: Actor | None = None
        named_people: list[Actor] = []  # everyone named, for "she" and "he" by gender
        for m in mentions:
            if m.entry.kind is EntryKind.AGENT:
                continue
            head = doc[m.end - 1]
            while head.dep_ in ("compound", "flat") and head.head.i != head.i:
                head = head.head
            if head.i in seen or head.dep_ == "amod":
                continue
            seen.add(head.i)
            resolved = self._resolver.resolve(
                head, mentions=by_token, on=on, discourse=discourse,
                with_conjuncts=head.dep_ in ("nsubj", "nsubjpass")
                or (head.dep_ == "pobj" and head.head.lower_ == "between"),
            )
            # "Jeremy Hunt's revelation that he ...": the possessor of the subject is who
            # the sentence is about; a possessor elsewhere is at least a person named
            role = head.head if head.dep_ == "poss" else head
            for ra in resolved:
                if ra.is_person and not ra.from_discourse:
                    actor = ra.actor
                    if role is not head:
                        actor = dataclasses.replace(actor, text=_POSSESSIVE.sub("", actor.text))
                    if role.dep_ in ("nsubj", "nsubjpass"):
                        subject_person = (subject_person or actor) if role is not head else actor
                    other_person = actor
                    named_people.append(actor)
            if head.dep_ == "poss":
                continue  # a possessive state ("Iran's leadership") makes no group
            if len({ra.actor.country for ra in resolved if ra.actor.country}) >= 2:
                discourse.set_group([ra.actor for ra in resolved])
        # "he" in the next sentence: the person who was the subject, else the last one named;
        # someone the knowledge base does not know counts too ("Saratova said ... She")
        unknown_subject = next(
            (Actor(name, name, None, None, None)
             for tok in doc if (name := _unknown_person_subject(tok, by_token))),
            None,
        )
        person = subject_person or unknown_subject or other_person
        for named in named_people:
            if person is None or named.text != person.text:
                discourse.note_person(named)
        if person is not None:
            discourse.note_person(person)

    def _remember_unparsed(self, doc: Doc, mentions: list[Mention], discourse: Discourse) -> None:
        """A sentence we did not parse still tells who "he" and "the two countries" are."""
        kb = self._r.kb
        states = [m for m in mentions if m.entry.kind in (EntryKind.STATE, EntryKind.SEAT)]
        for first, second in zip(states, states[1:]):
            between = doc[first.end : second.start].text.strip().lower()
            if between == "and" and first.start <= 1 and first.entry.country != second.entry.country:
                discourse.set_group([
                    Actor(doc[m.start : m.end].text, kb.country_name(m.entry.country or ""),
                          m.entry.country, None, kb.cameo_code(m.entry.country, None))
                    for m in (first, second)
                ])
                break
        named = _unknown_speaker(doc, mentions)
        if named is not None:
            discourse.note_person(Actor(named, named, None, None, None))
        for m in mentions:
            if m.entry.kind is EntryKind.PERSON:
                role = kb.role_on(m.entry, None)
                country = role.country if role else m.entry.country
                sector = role.sector if role else m.entry.sector
                discourse.note_person(Actor(
                    doc[m.start : m.end].text, m.entry.name, country, sector,
                    kb.cameo_code(country, sector),
                ))

    def _record(
        self,
        article: Article,
        sentence: Sentence,
        doc: Doc,
        cand: Candidate,
        title_events: frozenset[str],
        mentions: list[Mention],
        carried: ResolvedDate | None = None,
        dominant: str | None = None,
    ) -> Event:
        trig = cand.trigger
        start = sentence.start + trig.idx
        end = start + len(trig.text)
        when = _year_of_noun(trig) or clause_date(trig, article.published) or carried
        if when is None and article.published is not None:
            when = ResolvedDate(article.published.isoformat(), Precision.DAY, None)
        named = frozenset(
            i for m in mentions if m.entry.kind in _NAMED_NOT_PLACES for i in range(m.start, m.end)
        )
        location = event_location(doc[:], trig.i, self._r.gazetteer, not_places=named)
        actor = cand.actor.actor
        recipient = cand.recipient.actor if cand.recipient else None
        event_type, cameo, mode = cand.event, cand.cameo, cand.mode
        kb = self._r.kb
        if recipient is None and cand.event in _TARGETS_WHERE:
            # "the assault on Raqqa", "military operations inside northern Iraq": force used
            # on or in a place is used on its country
            own_place = location is not None and (
                location.name in actor.text
                or location.name.split()[-1] in {t.text for t in cand.actor.head.subtree}
            )
            target = _target_place(trig, self._r.gazetteer) or (
                # "Police from Niger raided a camp", "Police in Iraq arrested three suspects":
                # where the actor is from is no target
                (location.name, location) if location and not own_place else None
            )
            if target is not None and target[1].country:
                words, place = target
                recipient = Actor(words, kb.country_name(place.country), place.country,
                                  None, kb.cameo_code(place.country, None))
        elif (
            recipient is not None
            and recipient.country is None
            and recipient.code is None
            and recipient.name is None  # not a person the text names ("March" misread)
            and cand.event in _TARGETS_WHERE
        ):
            # "100 civilians were killed in Daraa": victims named without a country are
            # people of the place, else of the war the article is about
            # (not the attacker's, unless they are its own people: "Saudi jets bombed five
            # hospitals" are not Saudi ones, "Syrian forces killed civilians" are Syrians; a
            # people no state stands for is never the attacker's: "Kurdish fighters")
            stateless = cand.recipient is not None and _unmapped_people(cand.recipient.head, mentions)
            country = _target_country(doc, mentions, actor) if location is None else None
            if country is None and location is None and trig.dep_ == "advcl":
                # "launched airstrikes on Gaza, killing ten people": where the strikes hit
                hit = _target_place(trig.head, self._r.gazetteer)
                if hit is not None and hit[1].country not in (None, actor.country):
                    country = hit[1].country
            country = country or _home_country(
                location, doc, mentions, actor, None if stateless else recipient.sector,
            ) or (None if stateless else dominant)
            if country is not None:
                recipient = Actor(recipient.text, recipient.name, country, recipient.sector,
                                  kb.cameo_code(country, recipient.sector))
        if actor.country is None and (actor.sector is not None or actor.name):
            # a named person without a sector takes only the sentence's one state, not
            # the place of the event ("Prosper Avril resigned to allow Haiti's elections")
            # (not where a meeting is held: "the two presidents will hold talks in Minsk")
            where = location if actor.sector is not None and event_type not in _MEETINGS else None
            stateless = _unmapped_people(cand.actor.head, mentions)
            country = None if event_type in _MEETINGS and actor.sector is not None else _home_country(
                where, doc, mentions, recipient, None if stateless else actor.sector
            )
            if (
                country is None
                and actor.sector not in (None, Sector.IGO, Sector.NGO)
                and not _unmapped_people(cand.actor.head, mentions)
            ):
                country = dominant  # "the rebels" of an article about Syria are Syrian
            if country is not None:
                code = actor.code or kb.cameo_code(country, actor.sector)
                actor = Actor(actor.text, actor.name, country, actor.sector, code)
        if cameo == "116" and actor.sector in (Sector.REB, Sector.IMG, Sector.CVL):
            # "Isis imprisoned the town's Christians": only a state convicts and jails;
            # an armed group holding people detains them
            event_type, cameo, mode = "COERCE", "173", "arrest"
        code = self._r.ontology.cameo(cameo)
        confidence = cand.confidence
        if event_type in title_events:
            confidence = max(confidence + _TITLE_BONUS, _HEADLINE_MATCH)
        elif title_events:
            confidence = min(confidence, _BELOW_HEADLINE)
        if sentence.index < 3:
            confidence += _LEAD_BONUS
        confidence = round(min(0.99, confidence), 3)
        return Event(
            event_id=_event_id(article, sentence.index, start, event_type, actor, recipient),
            doc_id=article.doc_id,
            event=event_type,
            mode=mode,
            context=code.context,
            cameo=code.code,
            goldstein=code.goldstein,
            quad_class=quad_class(event_type),
            actor=actor,
            recipient=recipient,
            date=when.value if when else None,
            date_precision=when.precision if when else None,
            location=location,
            sentence_index=sentence.index,
            sentence=sentence.text,
            trigger=Trigger(trig.text, start, end),
            confidence=confidence,
            coder_version=self.version,
        )


# Material conflict whose target, when unnamed, is where it happens.
_TARGETS_WHERE = frozenset({"ASSAULT", "MOBILIZE", "COERCE"})
_STATE_KINDS = (EntryKind.STATE, EntryKind.SEAT, EntryKind.ADJECTIVE)
# Names of actors that are no places, whatever a gazetteer's alternate names say.
_NAMED_NOT_PLACES = frozenset({EntryKind.GROUP, EntryKind.IGO, EntryKind.PERSON})



def _target_country(doc: Doc, mentions: list[Mention], actor: Actor) -> str | None:
    """The one state the sentence names as a target other than the actor's ("launched
    airstrikes on Gaza, killing ten people": the people are Palestinians)."""
    targets = {
        m.entry.country
        for m in mentions
        if m.entry.kind in _STATE_KINDS and m.entry.country and m.entry.country != actor.country
        and _is_target(doc[m.end - 1])
    }
    return targets.pop() if len(targets) == 1 else None


def _home_country(
    location: Location | None,
    doc: Doc,
    mentions: list[Mention],
    recipient: Actor | None,
    sector: Sector | None,
) -> str | None:
    """The country of an actor the sentence names without one ("President X resigned",
    "police in Karachi"): where the event happened, else the one state the sentence
    names, when it names only one and that is not the recipient's."""
    if location is not None and location.country:
        return location.country
    countries = {
        m.entry.country
        for m in mentions
        if m.entry.kind in _STATE_KINDS and m.entry.country and not _is_target(doc[m.end - 1])
    }
    if len(countries) != 1:
        return None  # several states, or none but targets: the sentence does not say
    country = countries.pop()
    if recipient is not None and recipient.country == country and sector not in _DOMESTIC:
        return None  # "President X urged Japan": X need not be Japanese
    return country


# Sectors that act at home: a party boycotting Algeria's elections is Algerian.
_DOMESTIC = frozenset({Sector.PTY, Sector.OPP, Sector.CVL, Sector.COP, Sector.JUD, Sector.LEG,
                       Sector.LAB, Sector.EDU, Sector.REB})  # fmt: skip


# Armed and opposition groups named without a country belong to the war the article is about.
_LOCAL_FIGHTERS = frozenset({Sector.REB, Sector.OPP, Sector.IMG})

# Prepositions whose object is what force is used on ("the assault on Raqqa").
_TARGET_PREPS = frozenset({"on", "against", "into"})


def _target_place(trigger: Token, gazetteer: Gazetteer) -> tuple[str, Location] | None:
    """The place force is used on: the trigger's direct object ("attacked the town of
    Deir ez-Zor") or the object of "on/against" ("the assault on Raqqa"), when the
    gazetteer knows it as a city, region or country."""
    objects = [c for c in trigger.children if c.dep_ == "dobj"]
    for prep in trigger.children:
        if prep.dep_ == "prep" and prep.lower_ in _TARGET_PREPS:
            objects.extend(c for c in prep.children if c.dep_ == "pobj")
    for obj in objects:
        # "the town of Deir ez-Zor": the name after "of" is the place
        names = [obj, *(g for p in obj.children if p.dep_ == "prep" and p.lower_ == "of"
                        for g in p.children if g.dep_ == "pobj")]
        for name in names:
            if name.ent_type_ not in ("GPE", "LOC", "FAC") and name.pos_ != "PROPN":
                continue
            words = [t for t in name.subtree if t.ent_iob_ != "O" or t.pos_ == "PROPN"]
            words = [t for t in words if t.i <= name.i and t.dep_ in ("compound", "flat", "amod")
                     or t == name]
            text = " ".join(t.text for t in words)
            place = gazetteer.resolve(text)
            if place is not None and place.country:
                return text, place
    return None


def _place_countries(docs: Iterable[Doc], gazetteer: Gazetteer) -> list[str]:
    """The countries of the towns and regions the parsed sentences name ("Daraa", "Afrin")."""
    out = []
    for doc in docs:
        for ent in doc.ents:
            if ent.label_ in ("GPE", "LOC", "FAC"):
                place = gazetteer.place_of(ent.text)
                if place is not None and place.country:
                    out.append(place.country)
    return out


def _dominant_country(mentions: Iterable[Mention], places: Iterable[str] = ()) -> str | None:
    """The state an article is mostly about: named (itself, or a town or region of it) at
    least 3 times, and half as often again as any other state."""
    counts: dict[str, int] = {}
    for m in mentions:
        if m.entry.kind in _STATE_KINDS and m.entry.country:
            counts[m.entry.country] = counts.get(m.entry.country, 0) + 1
    for country in places:
        counts[country] = counts.get(country, 0) + 1
    if not counts:
        return None
    ranked = sorted(counts.values(), reverse=True)
    country, n = max(counts.items(), key=lambda kv: kv[1])
    runner_up = ranked[1] if len(ranked) > 1 else 0
    return country if n >= 3 and 2 * n >= 3 * runner_up else None


def _unmapped_people(head: Token, mentions: list[Mention]) -> bool:
    """Does the actor's phrase name a people no state stands for ("Kurdish forces",
    "Yazidi fighters")? Then the article's main state need not be theirs (an article about
    an American captured by Kurdish forces); only the sentence's place or state can say."""
    known = {i for m in mentions for i in range(m.start, m.end)}
    return any(
        t.lower_ in _STATELESS_PEOPLES and t.i not in known
        for t in [head, *(c for c in head.children if c.dep_ in ("amod", "compound"))]
    )


# Peoples who live across states, or whose state is not theirs: an actor named by one of
# them ("Kurdish forces") has no country to guess.
_STATELESS_PEOPLES = frozenset({"kurdish", "kurd", "kurds", "yazidi", "yazidis", "rohingya",
                                "uighur", "uighurs", "uyghur", "uyghurs", "tamil", "tamils",
                                "baloch", "baluch", "pashtun", "pashtuns", "berber", "tuareg",
                                "druze", "chechen", "chechens", "tibetan", "tibetans",
                                "catalan", "basque", "roma", "assyrian"})  # fmt: skip


def _unknown_person_subject(token: Token, known: Mapping[int, Mention]) -> str | None:
    """The name of someone the knowledge base does not know who is the subject here: a
    PERSON entity, or a name of two proper nouns that says something ("Natalia Ivanova,
    a lawyer, said"; the tagger often calls such names places)."""
    if token.dep_ not in ("nsubj", "nsubjpass") or token.pos_ != "PROPN" or token.i in known:
        return None
    parts = [c for c in token.children if c.dep_ in ("compound", "flat") and c.pos_ == "PROPN"]
    if any(c.i in known for c in parts):
        return None
    says = token.head.lemma_.lower() in SAY_VERBS
    if token.ent_type_ == "PERSON" or (parts and says):
        return token.doc[min([token.i, *(c.i for c in parts)]) : token.i + 1].text
    return None


def _unknown_speaker(doc: Doc, mentions: list[Mention]) -> str | None:
    """A name the knowledge base does not know, saying something, in an unparsed sentence:
    "Natalia Ivanova, a lawyer, said ...", "..., said Ahmed Karimi." Two or three
    capitalised words beside a verb of saying (or a comma) that no mention covers."""
    known = {i for m in mentions for i in range(m.start, m.end)}
    i = 0
    while i < len(doc):
        j = i
        while j < len(doc) and j - i < 3 and doc[j].is_title and doc[j].is_alpha and j not in known:
            j += 1
        if j - i >= 2 and i > 0 or (j - i >= 2 and j < len(doc) and doc[j].text == ","):
            before = doc[i - 1].lower_ if i > 0 else ""
            after = doc[j].lower_ if j < len(doc) else ""
            if before in SAY_FORMS or after in SAY_FORMS or after == ",":
                return doc[i:j].text
        i = max(j, i + 1)
    return None


def _is_target(token: Token) -> bool:
    """A state named as the object of "against/on/to/with ..." (a target), or as the
    patron in "US-backed": not the home of the sentence's actors."""
    if any(a.dep_ in ("amod", "compound") and a.lemma_.lower() in PATRON_WORDS
           for a in [token, *token.ancestors][:3]):
        return True
    if any(a.dep_ == "relcl" for a in list(token.ancestors)[:4]):
        return True  # "retreating to the area in which US forces are present": not theirs
    if any(a.dep_ == "agent" and a.head.dep_ in ("acl", "relcl")
           and a.head.lemma_.lower() in PATRON_WORDS for a in list(token.ancestors)[:4]):
        return True  # "forces, backed by US air support, ...": another party, not their home
    head = token
    while head.dep_ in ("compound", "flat", "amod", "poss", "appos") and head.head != head:
        head = head.head
    return head.dep_ == "pobj" and head.head.lower_ in ("against", "on", "to", "with", "toward",
                                                         "towards", "at", "from", "over")


def _told_in_past(trigger: Token) -> bool:
    """Is the event told in the past tense ("praised", "had agreed")? Only then may it take
    the date its paragraph named before; "is supporting" is now."""
    clause = trigger
    while clause.pos_ not in ("VERB", "AUX") and clause.head != clause:
        clause = clause.head
    while clause.tag_ == "VB" and clause.dep_ == "xcomp" and clause.head != clause:
        clause = clause.head  # "used an address to castigate Russia": told as "used"
    if clause.tag_ == "VBD":
        return True
    return any(c.dep_ == "aux" and c.lower_ == "had" for c in clause.children)


_CLAUSE_DEPS = frozenset({"ccomp", "xcomp", "advcl", "relcl", "acl", "csubj", "conj", "pcomp"})


def clause_date(trigger: Token, published: dt.date | None) -> ResolvedDate | None:
    """The date phrase of the clause an event is told in ("On Jan. 10, Qureshi called"),
    else of the clauses it depends on ("In April 2018 Lavrov said Russia had supported"),
    never of a clause that depends on it ("ordered a pause to begin on Tuesday")."""
    doc = trigger.doc
    phrases = find_date_phrases(doc.text)
    if not phrases:
        return None
    clause = trigger
    while clause.pos_ not in ("VERB", "AUX") and clause.head != clause:
        clause = clause.head
    for _ in range(4):
        own = _own_clause(clause)
        inside = [
            p for p in phrases if _within(p.start, p.end, own) and not _bounds_or_compares(doc, p)
        ]
        if inside:
            best = min(inside, key=lambda p: abs(p.start - trigger.idx))
            resolved = resolve_date(best.text, published, ahead=_still_to_come(clause))
            if resolved is not None:
                return resolved
        if clause.head == clause or clause.dep_ == "conj":
            break  # "X said last month ..., but Y ordered": a conjunct keeps its own time
        clause = clause.head
        while clause.pos_ not in ("VERB", "AUX") and clause.head != clause:
            clause = clause.head
    return None


def _year_of_noun(trigger: Token) -> ResolvedDate | None:
    """A year that modifies an event noun dates it: "Saddam Hussein's 1988 attack on
    Kurds", "a 2015 airstrike"."""
    nouns = [trigger] if trigger.pos_ in ("NOUN", "PROPN") else [
        o for p in trigger.children if p.dep_ == "prep" and p.lower_ in ("in", "during")
        for o in p.children if o.dep_ == "pobj"
    ]  # "was killed in a 2016 drone strike": the strike's year
    for child in (c for noun in nouns for c in noun.children):
        if (
            child.dep_ in ("nummod", "compound", "amod", "npadvmod") and child.i < child.head.i
            and len(child.text) == 4 and child.text.isdigit() and 1900 <= int(child.text) <= 2099
        ):
            return ResolvedDate(child.text, Precision.YEAR, child.text)
    return None


def _still_to_come(clause: Token) -> bool:
    """Is the clause about the future ("will meet", "are due to meet", "expected to sign")?"""
    if any(c.dep_ == "aux" and c.lower_ in ("will", "'ll", "shall", "wo") for c in clause.children):
        return True
    head = clause.head
    return clause.dep_ == "xcomp" and head.lemma_.lower() in (
        "due", "expect", "set", "schedule", "slate", "poise", "plan", "be"
    )


def _bounds_or_compares(doc: Doc, phrase: DatePhrase) -> bool:
    """A phrase that bounds a state ("have supported it since 2014", "until 2020") or dates
    a comparison ("Like Grozny in 1999, the city has been besieged") does not date the event."""
    if phrase.text.split(" ", 1)[0].lower() in ("since", "until", "till"):
        return True
    token = doc.char_span(phrase.start, phrase.end, alignment_mode="expand")
    if token is None:
        return False
    tok = token.root
    for _ in range(4):
        if tok.lower_ in ("like", "unlike") and tok.dep_ == "prep":
            return True
        if tok.head == tok:
            break
        tok = tok.head
    return False


def _named_day(doc: Doc, published: dt.date | None) -> ResolvedDate | None:
    """The day a sentence names, when it names exactly one date and that is a day ("on
    Saturday", "on 10 January"): the time its paragraph goes on telling."""
    phrases = find_date_phrases(doc.text)
    if len(phrases) != 1:
        return None
    resolved = resolve_date(phrases[0].text, published)
    if resolved is None or resolved.precision is not Precision.DAY:
        return None
    return resolved


def _own_clause(head: Token) -> list[tuple[int, int]]:
    """Character spans of a clause's own tokens, without the clauses under it."""
    spans = []
    stack = [head]
    while stack:
        tok = stack.pop()
        spans.append((tok.idx, tok.idx + len(tok.text)))
        stack.extend(c for c in tok.children if c.dep_ not in _CLAUSE_DEPS or c == head)
    return spans


def _within(start: int, end: int, spans: list[tuple[int, int]]) -> bool:
    covered = [s for s in spans if s[0] < end and s[1] > start]
    return bool(covered) and min(s[0] for s in covered) <= start + 3


def _headline_verb_reread(
    doc: Doc, nlp: Language, lexicon: TriggerLexicon
) -> tuple[tuple[float, float], Token, TriggerRule, int] | None:
    """Headlines drop articles and auxiliaries, so "Government lifts curfew in capital" is
    tagged as one noun phrase. The first noun-tagged (or compounded) verb form of a trigger
    that follows the subject's last noun is read again as a verb: the
    rest of the title is parsed behind a plain subject ("It lifts curfew in capital", or
    "They ratify agreement" after "X and Y"), and
    its rule is tried there, with its conditions on what follows it. The token returned
    belongs to that re-read, with the shift of its offsets into the title."""
    for tok in doc:
        if tok.i == 0:
            continue
        singular = tok.lower_.endswith("s") and not tok.lower_.endswith("ss")
        # "X and Y ratify agreement": a plain form after a coordinated subject
        plural = tok.lower_ == tok.lemma_.lower() and (
            any(t.lower_ in ("and", ",") for t in doc[: tok.i - 1])
            or doc[tok.i - 1].tag_ in ("NNS", "NNPS")  # "Protesters storm parliament"
        )
        if not (singular or plural):
            continue
        if tok.pos_ == "VERB" and tok.dep_ not in ("compound", "amod", "nmod", "nsubj", "conj"):
            continue
        if doc[tok.i - 1].pos_ not in ("NOUN", "PROPN") or not lexicon.may_trigger(tok.lower_):
            continue
        rest = doc[tok.i :].text
        # behind a plain subject, or the plural noun itself ("Protesters storm ...": who
        # acts can decide the reading, a riot rather than an assault)
        subject = "The " + doc[tok.i - 1].lower_ if doc[tok.i - 1].tag_ in ("NNS", "NNPS") else (
            "It" if singular else "They"
        )
        reread = nlp(subject + " " + rest)
        verb = reread[len(subject.split())]
        if verb.pos_ != "VERB" or verb.text != tok.text:
            continue
        rule = lexicon.rule_for(verb, lambda _t: True)
        if rule is not None:
            return ((0, -rule.weight), verb, rule, tok.idx - verb.idx)
    return None


def _misread_headline_verb(
    doc: Doc, lexicon: TriggerLexicon
) -> tuple[tuple[float, float], Token, TriggerRule, int] | None:
    """Headline grammar leaves the tagger guessing: "Air force bombs training camp" and
    "Police in X allege companies violated law" come out with the verb as a noun. When a
    title holds no trigger as parsed, the first word tagged as a noun that can only be a
    present-tense verb form of an unconditioned verb trigger ("bombs", "allege") is read
    as the verb; "-ing" and "-ed" forms are left alone (the tagger reads those well)."""
    for tok in doc:
        if tok.pos_ != "NOUN" or tok.lower_.endswith(("ing", "ed")):
            continue
        if tok.i == 0 or tok.dep_ == "ROOT":
            continue  # the head word: a subject ("Bombs kill 20") or handled by the parse
        rule = lexicon.verb_rule_for_noun(tok)
        if rule is not None:
            return ((0, -rule.weight), tok, rule, 0)
    return None


def _after(when: ResolvedDate | None, published: dt.date | None) -> bool:
    """Is this date later than the publication ("the council will meet next Wednesday")?
    Then a past event told after it did not happen on it."""
    if when is None or published is None:
        return False
    return when.value > published.isoformat()[: len(when.value)]


def _history(event: Event, published: dt.date | None, days: int | None) -> bool:
    """History an article recalls ("the Soviet invasion of Afghanistan in 1979") is
    background, not news: an event whose whole period ended more than `days` before the
    publication date is not reported (it was news when it happened)."""
    if days is None or published is None or not event.date:
        return False
    parts = [int(p) for p in event.date.split("-")]
    if len(parts) == 1:
        end = dt.date(parts[0], 12, 31)
    elif len(parts) == 2:
        end = dt.date(parts[0] + parts[1] // 12, parts[1] % 12 + 1, 1) - dt.timedelta(days=1)
    else:
        end = dt.date(*parts[:3])
    return end < published - dt.timedelta(days=days)


def _sentence_case(title: str) -> str:
    """ "Leader Threatens to End Protests" -> "Leader threatens to end protests" (acronyms kept)."""
    words = title.split(" ")
    capitalised = sum(1 for w in words if w[:1].isupper())
    if capitalised < 0.6 * len(words):
        return title
    out = [words[0]] + [w if w.isupper() or w == "X" else w.lower() for w in words[1:]]
    return " ".join(out)


def _names_a_pair(doc: Doc) -> bool:
    """ "the two countries", "both sides": a reference to a pair named earlier."""
    return any(
        t.lower_ in ("two", "both") and t.i + 1 < len(doc) and doc[t.i + 1].lower_ in PAIR_HEADS
        for t in doc
    )


def _event_id(
    article: Article, sentence_index: int, start: int, event: str, actor: Actor, recipient: Actor | None
) -> str:
    digest = hashlib.sha1(article.text.encode("utf-8", "replace")).hexdigest()
    key = "|".join(
        [digest, str(sentence_index), str(start), event, actor.code or actor.text,
         (recipient.code or recipient.text) if recipient else ""]
    )  # fmt: skip
    return hashlib.sha1(key.encode("utf-8")).hexdigest()[:16]


def _as_date(value: dt.date | str | None) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        raise InputError(f"publication date {value!r} is not YYYY-MM-DD") from None
