"""Events from a parsed sentence: triggers, their actor and recipient, and whether they happened.

For every token the trigger lexicon accepts, `EventExtractor.extract` finds who acts
(the subject, the "by" agent of a passive, the possessor of a nominal trigger, the
subject inherited by a participle or infinitive clause) and to whom (the object, the
object of "with/to/against/on...", the possessor inside the object: "praised Pakistan's
response"), then reads the clause for what it says about reality:

- negated ("did not meet", "no talks") and hypothetical or conditional ("would", "could",
  "if", "any confrontation") events are dropped;
- future acts and intentions ("will meet", "plans to attack") become what PLOVER says
  they are: AGREE for cooperation, THREATEN for conflict;
- a trigger inside the clause of another trigger ("agreed to cooperate", "urged Iran to
  observe restraint") is read by the outer trigger only.

Nominal triggers ("talks", "attack", "sanctions") count only where the sentence says they
took place: the object of a light verb ("held talks", "imposed sanctions"), a possessor or
"by" agent ("Putin's visits to Syria"), "between X and Y" for talks and clashes, or the
subject of a past-tense verb ("clashes erupted").
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

from spacy.tokens import Doc, Token

from detente.actor_matcher import Mention
from detente.actors import SAY_VERBS as _SAY_VERBS
from detente.actors import ActorResolver, Discourse, ResolvedActor, np_tokens
from detente.knowledge import EntryKind
from detente.lexicon import TriggerLexicon, TriggerRule, inflections
from detente.ontology import Ontology, quad_class
from detente.records import Actor, QuadClass, Sector

_MODAL_HYPOTHETICAL = frozenset({"would", "could", "might", "may", "should", "must", "can",
                                 "ought", "'d"})  # fmt: skip
_MODAL_FUTURE = frozenset({"will", "shall", "'ll", "wo"})
_CONDITIONAL_MARKS = frozenset({"if", "unless", "whether", "lest", "until"})
_NEGATIONS = frozenset({"not", "n't", "never", "no"})
_INTENT_HEADS = frozenset({"plan", "intend", "want", "hope", "aim", "expect", "prepare",
                           "decide", "seek", "wish", "mean", "look", "set", "schedule", "ready",
                           "willing", "due", "poise", "go", "consider", "mull", "weigh"})  # fmt: skip
# Going somewhere or using something in order to act, told in the past: the act was done.
_MEANS_HEADS = frozenset({"go", "take", "appear", "use", "turn"})
_ASPECT_HEADS = frozenset({"begin", "start", "continue", "resume", "try", "attempt", "manage",
                           "keep", "go on", "proceed", "move", "rush", "help", "join",
                           "use", "gather", "assemble", "converge", "march",
                           "go", "take", "appear", "seize", "waste",
                           "rally"})  # fmt: skip
_BLOCKING_HEADS = frozenset({"fail", "refuse", "decline", "avoid", "prevent", "stop", "deny",
                             "reject", "oppose", "struggle", "hesitate", "threaten", "warn",
                             "urge", "ask", "call", "demand", "agree", "promise", "pledge",
                             "vow", "offer", "propose", "invite", "order", "press", "fear",
                             "worry"})  # fmt: skip
_LIGHT_VERBS = frozenset({"hold", "conduct", "launch", "carry", "stage", "impose", "pay", "make",
                          "begin", "start", "resume", "continue", "open", "announce", "mount",
                          "reach", "strike", "conclude", "sign", "have", "step", "escalate",
                          "intensify", "lead", "host", "organise", "organize", "issue",
                          "level", "file", "lodge", "unleash", "wage", "order", "join",
                          "accept", "extend", "deliver", "give", "send", "provide", "approve", "introduce", "slap", "tighten", "expand", "broaden",
                          "renew", "declare", "win", "engage", "undertake", "initiate",
                          "prompt", "draw", "spark", "trigger", "provoke", "earn",
                          "tender", "submit", "hand",
                          "face"})  # fmt: skip
_OCCURRENCE_VERBS = frozenset({"arrive", "take", "erupt", "break", "occur", "happen", "kill", "hit",
                               "leave", "wound", "injure", "destroy", "target", "end", "begin",
                               "start", "continue", "resume", "follow", "come", "claim",
                               "take place", "flare", "rock", "spark", "damage", "force",
                               "fail", "collapse", "stall", "conclude", "produce", "intensify",
                               "rage", "escalate", "drag"})  # fmt: skip
_AFTER_PREPS = frozenset({"after", "following", "amid", "during", "since", "despite"})
_RECIPIENT_PREPS = ("with", "to", "against", "on", "upon", "at", "into", "toward", "towards",
                    "alongside")
_RECIPROCAL = frozenset({"meet", "talk", "negotiate", "agree", "cooperate", "co-operate",
                         "collaborate", "clash", "fight", "sign", "discuss", "consult", "confer",
                         "battle", "talks", "meeting", "fighting", "negotiation",
                         "agreement", "deal", "summit", "assist", "partner", "call",
                         "exchange", "swap"})  # fmt: skip
# Verbs whose object does what their infinitive says: "left the adviser to hold talks".
_OBJECT_CONTROL = frozenset({"leave", "force", "compel", "oblige", "prompt",
                             "send"})  # fmt: skip
# Verbs of asking, which may ask a question ("asked why ...") rather than for something.
_QUESTION_VERBS = frozenset({"ask", "inquire", "enquire", "query", "wonder"})
# Acts that move one's own forces: their troops are not the recipient.
_MOVING_VERBS = frozenset({"withdraw", "pull", "deploy", "redeploy", "send", "station",
                           "move", "withdrawal", "deployment", "pullout"})  # fmt: skip
# Nouns that report an event that happened: "accounts of a call", "the imposition of tariffs".
_REPORT_NOUNS = frozenset({"account", "report", "imposition", "news", "detail", "footage",
                           "aftermath", "wake", "launch", "start", "beginning", "resumption",
                           "round", "outcome", "result", "transcript", "readout"})  # fmt: skip
# Nouns a trigger may modify and still be an event: "a bombing campaign by the regime".
_EVENT_HEADS = frozenset({"campaign", "operation", "mission", "offensive", "raid", "spree",
                          "wave", "blitz", "onslaught"})  # fmt: skip
# Verbs whose object is what is talked about, not whom: "discussed Syria with Erdogan".
_TOPIC_VERBS = frozenset({"discuss", "debate"})
_BETWEEN_NOUN_EVENTS = frozenset({"CONSULT", "ASSAULT", "RETREAT", "CONCEDE"})
_PATIENT_OF_TYPES = frozenset({"ASSAULT", "COERCE", "SANCTION", "MOBILIZE"})
# Means of attack: the subject of a killing ("a car bomb killed ..."), the agent of one
# ("killed by a mine laid by jihadists"), or named by whose they are ("a US drone strike").
_ATTACK_MEANS = frozenset({"bomb", "blast", "explosion", "ied", "mine", "landmine", "shell",
                           "missile", "rocket", "airstrike", "strike", "drone", "grenade",
                           "mortar", "device", "bombing", "attack", "shelling", "raid",
                           "barrage", "explosive", "explosives", "bombardment",
                           "offensive"})  # fmt: skip
# Nouns under which an act is only in prospect ("the prospect of an attack").
_PROSPECT_NOUNS = frozenset({"prospect", "possibility", "brink", "verge", "spectre", "specter",
                             "likelihood", "danger", "fear", "fears", "risk"})  # fmt: skip
_WHILE_DOING = frozenset({"fight", "serve", "defend", "volunteer", "work", "try", "battle",
                          "help", "report", "protect", "flee", "cover"})  # fmt: skip
# Verbs whose subject undergoes the act their object names ("faced criticism from X").
_UNDERGO_VERBS = frozenset({"face", "suffer", "receive", "endure", "undergo", "draw", "attract",
                            "earn", "incur", "weather", "survive"})  # fmt: skip
# Nominal acts that, with their agent named, report something that happened.
_REPORTED_NOUN_TYPES = frozenset({"ASSAULT", "COERCE", "SANCTION", "MOBILIZE", "PROTEST", "CONSULT"})
_OBLIGATION = frozenset({"must", "should"})
_COOPERATIVE = frozenset({"AGREE", "CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "RETREAT"})
_CONFLICT_TYPES = frozenset({"THREATEN", "PROTEST", "SANCTION", "MOBILIZE", "COERCE", "ASSAULT",
                             "ACCUSE", "REJECT"})  # fmt: skip
_PRIVATE_SECTORS = frozenset({Sector.CVL, Sector.REF, Sector.EDU, Sector.MED, Sector.BUS,
                              Sector.LAB})  # fmt: skip
_INTENT_NOUNS = frozenset({"willingness", "readiness", "intention", "plan", "desire", "commitment",
                           "pledge", "promise", "offer", "threat", "demand", "call", "request",
                           "bid", "attempt", "effort", "ultimatum", "proposal"})  # fmt: skip
_COPULAS = frozenset({"be", "remain", "seem", "appear", "become", "look", "sound", "stay"})
_PREVENTING = frozenset({"prevent", "stop", "bar", "block", "deter", "keep", "ban", "prohibit",
                         "dissuade", "discourage", "restrain", "refrain"})  # fmt: skip
_ORDERED_ACTS = frozenset({"SANCTION", "COERCE", "ASSAULT", "MOBILIZE", "RETREAT", "AID"})
_STATIVE_PASSIVES = frozenset({"commit", "oppose", "prepare", "determine", "dedicate", "resolve"})
_SPEECH_ACTS = frozenset({"AGREE", "REQUEST", "ACCUSE", "REJECT", "THREATEN", "SUPPORT"})
_CONTENT_PREPS = frozenset({"of", "for", "about", "over", "against", "on"})
_PROMISE_VERBS = frozenset({"vow", "pledge", "promise", "swear", "threaten"})
_UNKNOWN = Actor(text="", name=None, country=None, sector=None, code=None)
# Acts reported in the passive without their agent that are still events ("were killed").
_UNKNOWN_AGENT_TYPES = frozenset({"ASSAULT", "COERCE", "SANCTION", "RETREAT", "MOBILIZE",
                                  "CONCEDE"})  # "the ban was lifted": by whom not said


@dataclass(frozen=True)
class Candidate:
    """An event found in one sentence, before dates, places and ids are added."""

    rule: TriggerRule
    event: str
    cameo: str
    mode: str | None
    trigger: Token
    actor: ResolvedActor
    recipient: ResolvedActor | None
    confidence: float
    future: bool = False

    @property
    def quad_class(self) -> QuadClass:
        return quad_class(self.event)


class EventExtractor:
    """Finds the events of parsed sentences with the trigger lexicon and the actor resolver."""

    def __init__(self, *, lexicon: TriggerLexicon, resolver: ActorResolver, ontology: Ontology):
        self._lexicon = lexicon
        self._resolver = resolver
        self._ontology = ontology

    def extract(
        self, doc: Doc, *, mentions: list[Mention], on: dt.date | None, discourse: Discourse
    ) -> list[Candidate]:
        by_token = {i: m for m in mentions for i in range(m.start, m.end)}

        def is_actor(tok: Token) -> bool:
            return self._resolver.is_actor(tok, by_token)

        if doc.text.rstrip().endswith("?"):
            return []
        out: list[Candidate] = []
        for token in doc:
            rule = (
                self._obligation(token)
                or _reported_wrongdoing(token)
                or self._lexicon.rule_for(token, is_actor)
                or _reproach(token)
            )
            if rule is None:
                continue
            if rule not in _SAYING_RULES and self._inside_speech_act(token):
                continue
            out.extend(self._candidates(token, rule, by_token, on, discourse))
        return _dedupe(out)

    def _obligation(self, verb: Token) -> TriggerRule | None:
        """ "X said Y must/should do Z": a demand of X on Y (REQUEST), read off the reported clause."""
        say = _say_of(verb)
        if verb.pos_ not in ("VERB", "AUX") or say is None:
            return None
        if any(c.dep_ == "mark" for c in say.children):
            return None  # "That X has announced ... must be taken with salt": no one speaks
        modal = [c for c in verb.children if c.dep_ == "aux" and c.lower_ in _OBLIGATION]
        need = say.lemma_.lower() == "demand" or (
            # "the international community needs to ...", "Iran has to ..."
            verb.lemma_.lower() in ("need", "have")
            and any(c.dep_ == "xcomp" and _has_to(c) for c in verb.children)
        )
        if not modal and not need:
            return None
        if verb.lemma_.lower() in _STATIVE_VERBS:
            return None  # "Trump should know that ...": a rebuke, not a demand to act
        subjects = [c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")]
        if any(c.lower_ in _FIRST_PERSON for c in subjects):
            return None  # "we must learn from this case": the speaker's own resolve
        if any(c.dep_ == "neg" for c in verb.children) and not modal:
            return None
        if any(c.dep_ == "advcl" and any(m.lower_ in ("if", "unless") for m in c.children)
               for c in verb.children):
            return None  # "if they committed crimes they should be tried"
        return _OBLIGATION_RULE

    # -- one trigger --------------------------------------------------------
    def _candidates(
        self,
        trigger: Token,
        rule: TriggerRule,
        mentions: dict[int, Mention],
        on: dt.date | None,
        discourse: Discourse,
    ) -> Iterator[Candidate]:
        if rule in _SAYING_RULES:
            frame = _obligation_frame(trigger, needs_addressee=rule is _OBLIGATION_RULE)
        elif rule.pos == "V":
            frame = self._verb_frame(trigger, rule)
        else:
            frame = self._noun_frame(trigger, rule)
        if frame is None:
            return
        clause, actor_heads, recipient_heads, weight_shift = frame
        if rule.lemma in _QUESTION_VERBS and any(
            c.dep_ == "ccomp" and any(w.tag_ in ("WRB", "WP", "WDT") or w.lower_ in ("whether", "if")
                                      for w in c.children if w.i < c.i)
            for c in trigger.children
        ):
            return  # "people ask her why she wears a headscarf": a question, not a request
        status = _factuality(trigger, clause) if rule not in _SAYING_RULES else "real"
        event, cameo, mode = rule.event, rule.cameo, rule.mode
        if status == "refused" and rule.event in _COOPERATIVE | {"REQUEST"}:
            event, cameo, mode = "REJECT", "120", None  # "will not accept", "would not meet"
        elif status == "possible" and quad_class(rule.event) is QuadClass.MATERIAL_CONFLICT:
            event, cameo, mode = "THREATEN", "138" if rule.event == "ASSAULT" else "130", None
        elif status in ("unreal", "refused", "possible"):
            return
        future = status in ("future", "conditional-future")
        if status == "conditional-future" and (
            rule.event in _CONFLICT_TYPES or rule.mode == "withdraw"
        ) and rule.event != "THREATEN":
            event, cameo, mode = "THREATEN", "130", None  # "will withdraw unless ..."
        elif future and rule.event == "SANCTION" and _announced(clause):
            pass  # "announced it would impose sanctions": a decision, coded as the sanction
        elif future and rule.event in ("ASSAULT", "MOBILIZE") and _prepared(trigger):
            event, cameo, mode = "MOBILIZE", "154", "troops"  # "prepared to resume shelling"
        elif future:
            event, cameo, mode = _intention(rule)
            if event is None:
                return
        if rule.event == "AGREE" and (rule.lemma in _PROMISE_VERBS or rule.lemma == "agree"):
            event, cameo, mode = promise_reading(trigger, rule, self._lexicon) or (event, cameo, mode)
        if rule.lemma == "order" and rule.event == "REQUEST" and not future:
            # "ordered her citizenship revoked", "ordered troops to withdraw": the order is the act
            ordered = _promised_act(trigger, self._lexicon, any_clause=True)
            if ordered is not None and ordered[1] is not None and ordered[1].event in _ORDERED_ACTS:
                event, cameo, mode = ordered[1].event, ordered[1].cameo, ordered[1].mode

        def resolve(heads: list[Token]) -> list[ResolvedActor]:
            found: list[ResolvedActor] = []
            for h in heads:
                found.extend(
                    self._resolver.resolve(h, mentions=mentions, on=on, discourse=discourse)
                )
            return found

        actors = [
            a for a in resolve(actor_heads)
            if (_usable(a.actor) or a.is_person)
            and not (a.head.dep_ == "nsubj" and a.head.lemma_.lower() in _THING_SUBJECTS)
        ]
        if event in ("CONSULT", "AGREE") and rule.mode == "visit":
            # a family travelling to London is not a diplomatic visit
            actors = [a for a in actors if a.actor.sector not in _PRIVATE_SECTORS]
        if (
            not actors and actor_heads and event == "ASSAULT" and rule.pos == "V"
            and all(h.lemma_.lower() in _ATTACK_MEANS for h in actor_heads)
        ):
            # "a car bomb killed 20 people": an attack whose doer is not said, as in
            # "20 people were killed"
            actors = [ResolvedActor(_UNKNOWN, trigger)]
            weight_shift -= 0.2
        if (
            not actors
            and not actor_heads
            and rule.pos == "V"
            and event in _UNKNOWN_AGENT_TYPES
            and (_is_passive(trigger) or (trigger.dep_ == "acl" and trigger.tag_ == "VBN"))
            and trigger.dep_ not in ("advcl", "pcomp")
        ):
            # "were killed in airstrikes by forces loyal to Assad": the agent of the attack
            # nouns the killing is told through; else "were killed", by whom not said
            actors = [a for h in _nominal_agents(trigger) for a in resolve([h])
                      if _usable(a.actor)]
            if not actors:
                actors = [ResolvedActor(_UNKNOWN, trigger)]
                weight_shift -= 0.2
        if not actors:
            return
        each_other = _each_other(trigger)
        if rule.pos == "N":
            # "the Paris terror attacks", "the Moscow talks": a capital before the noun
            # says where, not who
            actors = [a for a in actors if not (
                a.head.dep_ == "compound" and a.head.head == trigger
                and (m := mentions.get(a.head.i)) is not None and m.entry.kind is EntryKind.SEAT
            )]
            if not actors:
                # "the Moscow talks between Russia and Turkey": the pair named after it
                between = [o for p in trigger.children if p.dep_ == "prep" and p.lower_ == "between"
                           for o in p.children if o.dep_ == "pobj"]
                actors = [a for a in resolve(between[:1]) if _usable(a.actor)]
            if not actors:
                return
        recipients = [r for r in resolve(recipient_heads) if _usable(r.actor)]
        if any(r.actor.country for r in recipients):
            recipients = [r for r in recipients if r.actor.country]
        if not recipients and not each_other:
            recipients = self._recipient_inside(trigger, actor_heads, mentions, on, discourse)
        if trigger.lemma_.lower() in _MOVING_VERBS:
            # "withdraw the 2,000 US troops": the actor's own forces are what it moves
            own = {a.actor.country for a in actors if a.actor.country}
            recipients = [r for r in recipients if r.actor.country not in own]
        if (
            rule.pos == "V"
            and rule.lemma in ("speak", "talk")
            and not any(r.actor.country or r.is_person for r in recipients)
        ):
            return  # "speaking to the BBC" is no consultation
        reciprocal = trigger.lemma_.lower() in _RECIPROCAL
        pairs: list[tuple[ResolvedActor, ResolvedActor | None]] = []
        direct = any(c.dep_ == "nsubj" for c in trigger.children) or rule.pos == "N"
        if not recipients and len(actors) >= 2 and ((reciprocal and direct) or each_other):
            for a in actors:
                for b in actors:
                    if a is not b and a.actor.country != b.actor.country:
                        pairs.append((a, b))
        if not pairs:
            for a in actors:
                others = [r for r in recipients if not _same(a.actor, r.actor)]
                if a.actor.country and any(
                    r.actor.country and r.actor.country != a.actor.country for r in others
                ):
                    # "withdraw US troops from Syria": the actor's own forces are what it
                    # moves; the other state is whom it acts on
                    others = [r for r in others if r.actor.country != a.actor.country]
                pairs.extend((a, r) for r in others)
                if not others:
                    pairs.append((a, None))
        if rule is _OBLIGATION_RULE and not recipients and any(
            h.dep_ == "nsubj" and h.pos_ != "PRON" and not h.ent_type_ for h in recipient_heads
        ):
            return  # "the case should drive home the need ...": no one is asked to act
        if rule is _OBLIGATION_RULE:
            # "Germany must ..., the German minister said" is no demand on another
            pairs = [(a, r) for a, r in pairs if r is None or r.actor.country != a.actor.country]
        for actor, recipient in pairs:
            if event == "CONSULT" and not _public(actor.actor) and (
                recipient is None or not _public(recipient.actor)
            ):
                continue  # "she met Campbell", "she arrived in Rojava": private lives
            conf = rule.weight + weight_shift
            conf += 0.1 if actor.actor.country else -0.15 if actor.actor.sector else -0.2
            conf += 0.05 if recipient and recipient.actor.country else 0.0
            conf -= 0.1 if actor.from_discourse else 0.0
            conf -= 0.1 if future else 0.0
            conf += 0.05 if clause.dep_ == "ROOT" else 0.0
            conf -= 0.25 if _subordinate(clause) else 0.0
            conf -= 0.15 if _participle_clause(clause) else 0.0
            yield Candidate(
                rule=rule,
                event=event,
                cameo=cameo,
                mode=mode,
                trigger=trigger,
                actor=actor,
                recipient=recipient,
                confidence=round(max(0.05, min(0.99, conf)), 3),
                future=future,
            )

    def _verb_frame(
        self, verb: Token, rule: TriggerRule
    ) -> tuple[Token, list[Token], list[Token], float] | None:
        if verb.dep_ == "amod" or verb.tag_ in ("JJ",):
            return None
        if (
            verb.dep_ == "acl" and verb.tag_ == "VBN"
            and self._lexicon.rule_for(verb.head, lambda _t: True) is not None
        ):
            return None  # "US sanctions imposed on Russia": the noun tells the event
        if verb.tag_ == "VBN" and any(
            c.dep_ == "nsubj" and any(k.dep_ == "case" for k in c.children) for c in verb.children
        ):
            return None  # "the UN's proposed ceasefire" misread as "the UN proposed"
        head = verb.head
        if verb.dep_ in ("xcomp", "ccomp", "advcl") and _has_to(verb):
            # "agreed to meet", "urged X to stop": the outer verb reads this one
            hl = head.lemma_.lower()
            if verb.dep_ == "xcomp" and hl in _ASPECT_HEADS:
                pass
            elif verb.dep_ == "advcl" and hl in _MEANS_HEADS and head.tag_ == "VBD" and (
                hl not in ("go", "take")  # went *on* television, took *to* Twitter (not
                or any(c.dep_ == "prep" and c.lower_ == ("on" if hl == "go" else "to")
                       for c in head.children)
            ) and not any(c.lower_ == "there" for c in head.children):
                pass  # "went on television to denounce", "took to Twitter to attack"
            elif verb.dep_ == "xcomp" and hl in _INTENT_HEADS:
                pass  # handled as an intention by _factuality
            else:
                return None
        if (
            verb.dep_ == "pcomp"
            and head.lower_ == "from"
            and head.head.lemma_.lower() in _PREVENTING
        ):
            return None  # "preventing Daesh from recruiting": it did not happen
        up = verb
        for _ in range(3):  # "refused to allow planes to land and evacuate ...": all refused
            if up.dep_ not in ("xcomp", "ccomp", "conj") or up.head == up:
                break
            if up.dep_ != "conj" and up.head.lemma_.lower() in _BLOCKING_HEADS:
                return None
            up = up.head
        subjects, recipients = [], []
        passive = False
        for child in verb.children:
            if child.dep_ in ("nsubj", "csubj", "expl"):
                subjects.append(child)
            elif child.dep_ == "nsubjpass":
                passive = True
                recipients.append(child)
            elif child.dep_ == "agent":
                for by in (c for c in child.children if c.dep_ == "pobj"):
                    # "killed by a mine laid by jihadists": who laid the weapon did it
                    layers = [
                        o for a in by.children if a.dep_ == "acl" and a.tag_ == "VBN"
                        for g in a.children if g.dep_ == "agent"
                        for o in g.children if o.dep_ == "pobj"
                    ] if by.lemma_.lower() in _ATTACK_MEANS else []
                    subjects.extend(layers or [by])
        if verb.dep_ == "acl" and verb.tag_ == "VBN" and not subjects:
            passive = True  # "the fifth British citizen killed ...": the noun suffered it
        if (
            subjects and verb.lemma_.lower() in ("kill", "wound", "injure", "capture")
            and not any(c.dep_ == "dobj" for c in verb.children)
            and any(c.dep_ in ("xcomp", "advcl") and c.tag_ == "VBG"
                    and c.lemma_.lower() in _WHILE_DOING for c in verb.children)
        ):
            # "Other Britons killed fighting Isis include ...": a reduced passive the
            # parser read as the Britons killing; they were killed
            passive, recipients, subjects = True, [*recipients, *subjects], []
        if (
            not subjects and not passive and verb.tag_ == "VBN"
            and any(c.dep_ == "auxpass" for c in verb.children)
        ):
            # "captives gave statements before being beheaded": the one it was done to
            passive = True
            recipients.extend(_inherited_subjects(verb))
        if passive and not subjects and rule.event == "MOBILIZE" and any(
            c.dep_ == "auxpass" and c.lower_ in ("is", "are", "am") for c in verb.children
        ):
            return None  # "2,000 US forces are stationed in the area": a state, not a move
        if passive and not subjects and verb.lemma_.lower() in _STATIVE_PASSIVES:
            # "Vietnam is committed to ...", "Israel is opposed to ...": the subject acts
            subjects = [r for r in recipients if r.dep_ == "nsubjpass"]
            recipients = [r for r in recipients if r.dep_ != "nsubjpass"]
            passive = False
        whose = [c for c in subjects if any(g.lower_ == "whose" for g in c.children)]
        if whose:
            # "Russia and Turkey, whose ministers met": the two met (as a relative clause,
            # or parsed as a second subject of the same verb)
            named = [c for c in subjects if c not in whose]
            subjects = named or ([head] if verb.dep_ == "relcl" else whose)
        if not subjects and not passive:
            subjects = _inherited_subjects(verb)
        if not subjects and not passive:
            return None
        if not passive:
            # "sent troops", "provided aid": when the rule names the object, it is the thing
            objs = (
                ("dative",)
                if "obj=" in rule.when or verb.lemma_.lower() in _TOPIC_VERBS
                or rule.mode == "withdraw"  # "pulled its troops out of Syria": what moved
                else ("dobj", "dative")
            )
            recipients.extend(c for c in verb.children if c.dep_ in objs)
        preps = _RECIPIENT_PREPS + (("from", "out") if rule.mode == "withdraw" else ())
        if verb.lemma_.lower() in ("mediate", "broker", "arbitrate"):
            preps += ("between",)  # "mediated between Israel and Hamas": both parties
        if rule.event == "REQUEST":
            preps += ("from",)  # "sought a loan from the IMF": whom it is asked of
        if rule.mode == "visit" and verb.lemma_.lower() in ("arrive", "land"):
            preps += ("in",)  # "Putin arrived in Ankara": the hosts are who was visited
        for prep in (c for c in verb.children if c.dep_ == "prep"):
            if prep.lower_ in preps:
                recipients.extend(c for c in prep.children if c.dep_ == "pobj")
        if rule.mode == "withdraw":  # "out of Syria", however "out" is parsed
            for out in (c for c in verb.children if c.lower_ == "out"):
                for prep in (g for g in out.children if g.dep_ == "prep" and g.lower_ == "of"):
                    recipients.extend(c for c in prep.children if c.dep_ == "pobj")
        if (
            verb.dep_ == "relcl" and not passive and not recipients
            and head.pos_ in ("NOUN", "PROPN") and head not in subjects
            and not any(c.dep_ in ("nsubj", "nsubjpass") and c.tag_ in ("WDT", "WP")
                        for c in verb.children)
        ):
            recipients.append(head)  # "the Kurds it had backed": the noun is the object
        if not recipients and rule.event not in _PURPOSE_TYPES:
            recipients.extend(_complement_recipients(verb))
        if not recipients:
            recipients.extend(_condition_subjects(verb))
        if verb.dep_ == "acl" and verb.tag_ == "VBN":
            recipients.append(head)
        return verb, subjects, recipients, 0.0

    def _noun_frame(self, noun: Token, rule: TriggerRule) -> tuple[Token, list[Token], list[Token], float] | None:
        if noun.dep_ == "ROOT" or not any(t.pos_ in ("VERB", "AUX") for t in noun.sent):
            return None  # a headline or a fragment: nothing says it happened
        kids = list(noun.children)
        mods = {c.lower_ for c in kids if c.dep_ in ("det", "amod", "advmod")}
        if mods & {"any", "no", "possible", "potential", "future", "planned", "proposed", "would-be"}:
            return None
        if (
            noun.dep_ == "pobj" and noun.head.lower_ == "of"
            and noun.head.head.lemma_.lower() in _PROSPECT_NOUNS
        ):
            return None  # "face the prospect of an attack": it has not happened
        if self._inside_other_event(noun):
            return None
        if (
            noun.dep_ == "compound"
            and noun.head.lemma_.lower() not in _EVENT_HEADS
            and self._lexicon.rule_for(noun.head, lambda _t: True) is None
        ):
            return None  # "beheading videos", "attack helicopters": a kind of thing
        head = noun.head
        actors: list[Token] = [c for c in kids if c.dep_ == "poss"]
        for prep in (c for c in kids if c.dep_ == "prep"):
            if prep.lower_ == "by":
                actors.extend(c for c in prep.children if c.dep_ == "pobj")
        actors.extend(
            c for c in kids if c.dep_ in ("amod", "compound") and c.ent_type_ in ("NORP", "GPE", "ORG")
        )
        recipients: list[Token] = []
        carriers = [c for c in kids if c.dep_ == "acl" and c.tag_ == "VBN"]
        for prep in (c for k in (noun, *carriers) for c in k.children if c.dep_ == "prep"):
            # "sanctions on Russia", "sanctions imposed on Russia"
            if prep.lower_ in ("to", "on", "against", "with", "at", "upon", "into"):
                recipients.extend(c for c in prep.children if c.dep_ == "pobj")
            elif (
                prep.lower_ == "of" and actors and prep.head == noun
                and rule.event in _PATIENT_OF_TYPES
            ):
                # "Russia's invasion of Ukraine", "the US bombing of Raqqa": with its doer
                # named, the "of" phrase of a use of force is the one it was used on
                recipients.extend(c for c in prep.children if c.dep_ == "pobj")
        between = [
            c for p in kids if p.dep_ == "prep" and p.lower_ == "between"
            for c in p.children if c.dep_ == "pobj"
        ]  # fmt: skip
        if rule.event not in _BETWEEN_NOUN_EVENTS:
            between = []
        if (
            noun.dep_ == "dobj" and head.lemma_.lower() in _UNDERGO_VERBS
            and quad_class(rule.event) in (QuadClass.VERBAL_CONFLICT, QuadClass.MATERIAL_CONFLICT)
        ):
            # "Putin has faced sharp western criticism", "the minister faces charges": the
            # subject is on the receiving end; the doer is whoever the noun names, if anyone
            actors.extend(
                c for k in (noun, head) for p in k.children
                if p.dep_ == "prep" and p.lower_ == "from" for c in p.children if c.dep_ == "pobj"
            )
            if not actors:
                return None
            recipients.extend(c for c in head.children if c.dep_ in ("nsubj", "nsubjpass"))
            return head, actors, recipients, -0.05
        if (
            noun.dep_ == "dobj" and rule.event == "SUPPORT"
            and head.lemma_.lower() in ("have", "enjoy", "win", "gain", "secure", "get", "receive")
        ):
            # "Poland has the backing of Washington", "won the support of France": the
            # one who backs is in the "of"/"from" phrase; the subject is backed
            backers = [
                o for p in noun.children if p.dep_ == "prep" and p.lower_ in ("of", "from")
                for o in p.children if o.dep_ == "pobj"
            ]  # fmt: skip
            if not backers:
                return None
            recipients.extend(c for c in head.children if c.dep_ == "nsubj")
            return head, backers, recipients, -0.05
        if noun.dep_ in ("dobj", "nsubjpass") and head.pos_ in ("VERB", "AUX"):
            if not _is_light(head):
                return None  # "condemned the attack": the verb is the event
            if self._lexicon.rule_for(head, lambda _t: True) is not None:
                return None  # "imposed sanctions" is coded once, from the verb
            subj = [c for c in head.children if c.dep_ == "nsubj"] or _inherited_subjects(head)
            if subj and all(a.pos_ == "PRON" for a in actors):
                actors = []  # "fundamentalists continued their hunger strike": the subject acts
            actors = actors or subj or between[:1]
            if not actors:
                return None
            for prep in (c for c in head.children if c.dep_ == "prep"):
                if prep.lower_ in ("with", "to", "on", "against", "at", "upon"):
                    recipients.extend(c for c in prep.children if c.dep_ == "pobj")
            recipients.extend(c for c in head.children if c.dep_ == "dative")
            return head, actors, recipients, -0.05
        if (noun.dep_ == "pobj" and head.lower_ == "in" and head.head.lemma_.lower() in (
            "engage", "involve", "participate", "join", "take"
        )) or (noun.dep_ == "pobj" and head.lower_ == "on" and head.head.lemma_.lower() == "embark"):
            verb = head.head  # "engaged in ethnic cleansing", "took part in the protests"
            actors = actors or [c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")]
            if not actors:
                return None
            return verb, actors, recipients, -0.05
        if noun.dep_ == "nsubj" and head.pos_ == "VERB" and head.lemma_.lower() in _OCCURRENCE_VERBS:
            clause = head  # "clashes erupted", "an air strike killed ..."
        elif (
            noun.dep_ == "attr" and head.lemma_.lower() == "be"
            and any(c.dep_ == "expl" for c in head.children) and (actors or between)
        ):
            clause = head  # "there was a phone call between Putin and Erdogan"
        elif noun.dep_ == "pobj" and head.lower_ in _AFTER_PREPS:
            clause = head.head  # "after talks with ...", "amid clashes between ..."
        elif (
            noun.dep_ == "pobj"
            and head.lower_ in ("in", "during", "at", "for")
            and (
                rule.event == "CONSULT"
                # "the minister said, in a rebuke to Brussels, ...": the saying rebukes
                or (rule.event in ("ACCUSE", "SUPPORT", "REQUEST", "THREATEN", "REJECT")
                    and head.lower_ == "in" and head.head.lemma_.lower() in _SAY_VERBS)
            )
            and head.head.pos_ in ("VERB", "AUX")
            and any(c.dep_ == "nsubj" for c in head.head.children)
        ):
            # "Erdoğan said in a phone call with Putin ...": the speaker held the call
            clause = head.head
            actors = actors or [c for c in clause.children if c.dep_ == "nsubj"]
        elif (
            actors
            and noun.dep_ in ("nsubj", "nsubjpass")
            and head.pos_ == "VERB"
            and head.lemma_.lower() not in _COPULAS
        ):
            clause = head  # "Putin's visits to Syria and Turkey accentuated ..." (not "... is vital")
        elif (
            noun.dep_ == "pobj"
            and rule.event in _REPORTED_NOUN_TYPES
            and any(c.dep_ in ("poss", "prep") and (c.dep_ == "poss" or c.lower_ == "by") for c in kids)
            and actors
        ):
            clause = head.head  # "under a multi-pronged assault by ...", "with Turkey's incursion into ..."
        elif (
            noun.dep_ == "pobj"
            and head.lower_ == "of"
            and head.head.lemma_.lower() in _REPORT_NOUNS
            and (actors or between)
        ):
            # "accounts of a phone call between Trump and Erdogan", "the imposition of US
            # tariffs": the report is of an event that took place
            clause = head.head.head if head.head.head.pos_ in ("VERB", "AUX") else head.head
        else:
            return None
        if clause is head and noun.dep_ == "nsubj" and not between and rule.event in _BETWEEN_NOUN_EVENTS:
            # "clashes broke out between Libyan militias": the pair hangs from the verb
            between = [
                c for p in head.children if p.dep_ == "prep" and p.lower_ == "between"
                for c in p.children if c.dep_ == "pobj"
            ]  # fmt: skip
        actors = actors or between[:1]
        if not actors and rule.event == "PROTEST" and clause is head and noun.dep_ == "nsubj":
            actors = [noun]  # "protests erupted across Iran": the protesters, of the place
        if not actors:
            return None
        return clause, actors, recipients, -0.1

    def _inside_speech_act(self, token: Token) -> bool:
        """Is this act only the content of a demand, accusation, promise, threat, refusal or
        praise ("accused Ukraine of shelling", "demand that Germany prosecute", "urged Iran to
        stop")? Then the speech act is the event, not the act it is about."""
        child = token
        for _ in range(6):
            parent = child.head
            if parent == child:
                return False
            edge = child.dep_
            if edge in ("pobj", "pcomp") and parent.dep_ == "prep" and parent.head != parent:
                if parent.lower_ in _CONTENT_PREPS or (
                    parent.lower_ == "to" and parent.head.pos_ == "NOUN"
                ):
                    edge = "content"  # "objections to Russia inviting ...": what is objected to
                child, parent = parent, parent.head
            if edge == "acl" and parent.lemma_.lower() in _INTENT_NOUNS:
                return True  # "willingness to cooperate", "plans to attack"
            if edge == "advcl" and any(
                (c.dep_ == "aux" and c.lower_ == "to") or (c.dep_ == "mark" and c.lower_ == "for")
                for c in child.children
            ):
                edge = "content"  # "called for the council to relinquish ...": what is asked
            if edge == "conj" and child.dep_ == "conj":
                child = parent  # "calls for more munitions ..., and attacking bases": the same
                continue
            if (
                edge == "advcl" and child.tag_ == "VBG" and parent.lemma_.lower() == "call"
                and any(c.dep_ == "prep" and c.lower_ == "for" for c in parent.children)
                and not any(c.dep_ == "nsubj" for c in child.children)
            ):
                return True  # "calls for more munitions, disarming the government side": asked
            if edge in ("xcomp", "ccomp", "acl", "content"):
                rule = self._lexicon.rule_for(parent, lambda _t: True)
                if rule is not None and rule.event in _SPEECH_ACTS:
                    return True
            child = parent
        return False

    def _inside_other_event(self, noun: Token) -> bool:
        """Is this noun part of what another trigger verb is about ("supported the launch of talks")?"""
        tok = noun
        for _ in range(6):
            if tok.head == tok:
                return False
            if tok.dep_ in ("nsubj", "nsubjpass"):
                return False
            if tok.lemma_.lower() in _REPORT_NOUNS:
                return False  # "released accounts of a phone call": the call is reported
            tok = tok.head
            if tok.pos_ in ("VERB", "AUX"):
                return not _is_light(tok) and self._lexicon.rule_for(tok, lambda _t: True) is not None
        return False

    def _recipient_inside(
        self,
        trigger: Token,
        actor_heads: list[Token],
        mentions: dict[int, Mention],
        on: dt.date | None,
        discourse: Discourse,
    ) -> list[ResolvedActor]:
        """An actor inside the object phrase: "praised Pakistan's response", "supported talks between the Afghan government and ..."."""
        skip = {t.i for h in actor_heads for t in h.subtree}
        for clause in trigger.subtree:
            if clause != trigger and (
                (clause.dep_ == "agent" and clause.head != trigger)
                or (clause.dep_ == "prep" and clause.lower_ == "by" and any(
                    a.dep_ in ("acl", "relcl") for a in _path_up(clause, trigger)
                ))
                or (clause.dep_ in ("conj", "advcl") and clause.pos_ in ("VERB", "AUX"))
            ):
                # "the area, backed by Iranian allies", "seized ..., then made available
                # for interrogation by US forces": other acts, other parties
                skip.update(t.i for t in clause.subtree)
        for child in trigger.children:
            if child.dep_ not in ("dobj", "prep", "dative", "attr"):
                continue
            if child.dep_ == "dobj" and trigger.lemma_.lower() in _TOPIC_VERBS:
                continue  # "discussed Syria": the topic
            if child.dep_ == "prep" and child.lower_ not in _RECIPIENT_PREPS:
                continue
            for tok in child.subtree:
                if tok.i in skip or tok.dep_ in ("relcl", "advcl", "acl", "agent"):
                    continue
                m = mentions.get(tok.i)
                if m is None or tok.i != m.end - 1:
                    continue
                found = self._resolver.resolve(
                    tok, mentions=mentions, on=on, discourse=discourse, with_conjuncts=False
                )
                found = [f for f in found if _usable(f.actor) and f.actor.country]
                if found:
                    return found[:1]
        return []


_LIGHT_FORMS = frozenset(form for verb in _LIGHT_VERBS for form in inflections(verb))


def _is_light(verb: Token) -> bool:
    """A light verb ("held talks", "staged protests"), by lemma or by form (lemmas can err)."""
    return verb.lemma_.lower() in _LIGHT_VERBS or verb.lower_ in _LIGHT_FORMS


# Things that cannot act, though a country adjective names whose they are: "a British
# proposal ..., agreed in June" (a misparse) is not Britain agreeing.
_THING_SUBJECTS = frozenset({"proposal", "plan", "deal", "agreement", "decision", "move",
                             "law", "bill", "policy", "idea", "offer", "initiative"})  # fmt: skip


def _public(actor: Actor) -> bool:
    """Does the actor stand for a state, an organisation or a group (a country, a sector
    or a code), rather than a private person the knowledge base does not know?"""
    return bool(actor.country or actor.sector or actor.code)


def _path_up(token: Token, top: Token) -> list[Token]:
    """The tokens from `token`'s head up to (not including) `top`."""
    out: list[Token] = []
    tok = token
    while tok.head != tok and tok.head != top and len(out) < 12:
        tok = tok.head
        out.append(tok)
    return out


def _nominal_agents(trigger: Token) -> list[Token]:
    """Heads of "by X" phrases on the nouns of the trigger's prepositional phrases ("killed
    in airstrikes and shelling by forces loyal to Assad", "killed in a bombing campaign by
    the regime"), through "of" and conjuncts, two phrases deep at most."""
    nouns: list[Token] = []
    frontier = [trigger]
    for _ in range(3):
        found: list[Token] = []
        for tok in frontier:
            for prep in tok.children:
                if prep.dep_ == "prep" and prep.lower_ in ("in", "of", "during", "after"):
                    for obj in prep.children:
                        if obj.dep_ == "pobj":
                            found.extend([obj, *obj.conjuncts])
        nouns.extend(found)
        frontier = found
    heads: list[Token] = []
    for noun in nouns:
        for prep in noun.children:
            if prep.dep_ == "prep" and prep.lower_ == "by":
                heads.extend(c for c in prep.children if c.dep_ == "pobj")
    for noun in nouns:
        # "killed in a US drone strike", "in Russian airstrikes": whose means of attack
        if noun.lemma_.lower() in _ATTACK_MEANS:
            mods = [c for c in noun.children if c.dep_ in ("amod", "compound", "nmod")]
            mods += [g for c in mods for g in c.children if g.dep_ in ("amod", "compound")]
            heads.extend(c for c in mods if c.ent_type_ in ("NORP", "GPE", "ORG"))
    return heads[:1]


def _each_other(trigger: Token) -> bool:
    """Does the trigger take "each other" / "one another" as its object?"""
    for child in trigger.children:
        toks = [child] if child.dep_ != "prep" else [c for c in child.children]
        for tok in toks:
            words = [t.lower_ for t in tok.subtree]
            if "other" in words and "each" in words or "another" in words and "one" in words:
                return True
    return False


# Acts whose infinitive says what for, not to whom: "backed the Kurds to oust Isis".
_PURPOSE_TYPES = frozenset({"SUPPORT", "COOPERATE", "AID", "ASSAULT", "COERCE"})


def _complement_recipients(verb: Token) -> list[Token]:
    """Whom the act in a complement is aimed at: "demanded that Britain release ...",
    "agreed to supply gas to Jordan", "refused to let inspectors in"."""
    out: list[Token] = []
    for comp in (c for c in verb.children if c.dep_ in ("xcomp", "ccomp")):
        own_move = any(
            a.dep_ == "aux" and a.lower_ in ("will", "would", "'ll", "shall", "wo")
            for a in comp.children
        )  # "warned the US would devastate Turkey": aimed at Turkey, not at the US
        if comp.dep_ == "ccomp" and not own_move:
            out.extend(c for c in comp.children if c.dep_ in ("nsubj", "nsubjpass"))
        out.extend(c for c in comp.children if c.dep_ in ("dobj", "dative"))
        for prep in (c for c in comp.children if c.dep_ == "prep"):
            if prep.lower_ in _RECIPIENT_PREPS:
                out.extend(c for c in prep.children if c.dep_ == "pobj")
        if comp.dep_ == "xcomp":  # "let inspectors enter": the subject of the small clause
            for sub in (c for c in comp.children if c.dep_ in ("ccomp", "xcomp")):
                out.extend(c for c in sub.children if c.dep_ == "nsubj")
    return out


def _condition_subjects(verb: Token) -> list[Token]:
    """Whom a conditional promise or threat is aimed at: "will retaliate if Ethiopian troops
    cross", "warned it would respond if India strikes again", "will lift sanctions if Iran
    complies"."""
    out: list[Token] = []
    for clause in (verb, *(c for c in verb.children if c.dep_ == "ccomp")):
        for adv in (c for c in clause.children if c.dep_ == "advcl"):
            if any(m.dep_ == "mark" and m.lower_ in ("if", "unless") for m in adv.children):
                out.extend(c for c in adv.children if c.dep_ in ("nsubj", "nsubjpass"))
    return out


def _has_to(verb: Token) -> bool:
    return any(c.dep_ == "aux" and c.lower_ == "to" for c in verb.children)


def _inherited_subjects(verb: Token) -> list[Token]:
    """The subject a verb shares with the clause it hangs from (conjuncts, participles, infinitives)."""
    tok = verb
    for _ in range(4):
        if tok.dep_ == "acomp":  # "is willing to send": the subject of "is"
            subj = [c for c in tok.head.children if c.dep_ in ("nsubj", "nsubjpass")]
            return subj
        if tok.dep_ in ("conj", "xcomp", "advcl", "pcomp", "acl", "relcl") or (
            tok.dep_ == "pobj" and tok.head.dep_ == "prep"
        ):
            if tok.dep_ == "relcl":
                return [tok.head] if tok.head.pos_ in ("NOUN", "PROPN", "PRON") else []
            if tok.dep_ == "acl":
                # "issued a declaration demanding ...": the issuer demands
                noun = tok.head
                if _has_to(tok):
                    # "the US decision to reimpose sanctions": whoever the noun belongs to
                    owners = [c for c in noun.children if c.dep_ in ("poss", "compound", "nmod", "amod")
                              and c.pos_ in ("PROPN", "ADJ", "NOUN")]
                    if owners:
                        return owners[:1]
                if tok.tag_ == "VBG" and noun.dep_ in ("dobj",) and noun.head.pos_ in ("VERB", "AUX"):
                    return [c for c in noun.head.children if c.dep_ == "nsubj"]
                return []
            parent = tok.head
            if parent.dep_ == "prep":
                parent = parent.head
            if tok.dep_ in ("xcomp", "advcl") and _has_to(tok) and (
                parent.lemma_.lower() in _OBJECT_CONTROL
            ):
                # "leaving the US adviser to hold talks": the one left holds them
                objects = [c for c in parent.children if c.dep_ == "dobj"]
                if objects:
                    return objects
            deps = ("nsubj", "csubj", "nsubjpass") if tok.dep_ == "xcomp" else ("nsubj", "csubj")
            subj = [c for c in parent.children if c.dep_ in deps]
            if subj:
                return subj
            tok = parent
        else:
            break
    return []


def _factuality(trigger: Token, clause: Token) -> str:
    """'real', 'future' (an intention or a plan) or 'unreal' (negated, hypothetical, conditional)."""
    chain = [trigger]
    if clause != trigger:
        chain.append(clause)
    tok = chain[-1]
    # climb through infinitive and conjunct links that share the clause's reality
    for _ in range(4):
        if tok.dep_ == "conj" and any(
            c.dep_ in ("aux", "auxpass") and c.tag_ != "VB" for c in tok.children
        ):
            break  # "do not consider ..., and have supported ...": its own tense, its own truth
            # (a bare "be" shares the head's modal: "can either stay ... or be repatriated")
        if tok.dep_ in ("xcomp", "conj", "aux", "acomp") and tok.head != tok:
            tok = tok.head
            chain.append(tok)
        elif (
            tok.dep_ == "advcl" and tok.tag_ == "VBG" and tok.head != tok
            and not any(c.dep_ in ("nsubj", "mark") for c in tok.children)
        ):
            tok = tok.head  # "would ask the rebels to withdraw, allowing Bamako to ...": its time
            chain.append(tok)
        elif (
            tok.dep_ == "pcomp" and tok.head.dep_ == "prep" and tok.head.head.pos_ in ("VERB", "AUX")
            and tok.head.lower_ not in _BACKGROUND_MARKS
        ):  # ("seven years after expelling it" keeps its own time)
            tok = tok.head.head  # "could lead to reaching a deal": the modal of "lead"
            chain.append(tok)
        else:
            break
    if _running_toll(trigger):
        return "unreal"
    if any(
        c.dep_ == "prep" and c.lower_ == "in"
        and any(o.lower_ == "past" and o.dep_ == "pobj" for o in c.children)
        for c in [*(k for t in chain for k in t.children), *trigger.subtree]
    ):
        return "unreal"  # "has threatened to cut water supplies in the past": no event now
    if any(t.lemma_.lower() == "risk" and t != trigger for t in chain) or any(
        a.lemma_.lower() in _PROSPECT_NOUNS for a in list(trigger.ancestors)[:4]
    ):
        return "unreal"  # "risks being bombed", "on the brink of being overrun"
    if any(
        c.dep_ == "prep" and c.lower_ == "in" and c.i < t.i
        and any(p.lower_ in ("case", "event") for p in c.children)
        for t in chain for c in t.children
    ):
        return "unreal"  # "in case Isis raided the house"
    if trigger.dep_ == "pcomp" and trigger.head.lower_ == "without":
        return "unreal"  # "ordered the deployment without consulting parliament"
    future = negated = conditional = possible = False
    subjects = [c for t in chain for c in t.children if c.dep_ in ("nsubj", "nsubjpass")]
    if any(c.dep_ == "preconj" and c.lower_ == "neither" for s in subjects for c in s.children):
        negated = True  # "Neither Iran nor Turkey will accept ..."
    for t in chain:
        for c in t.children:
            low = c.lower_
            if c.dep_ == "neg" or (c.dep_ in ("advmod", "det") and low in _NEGATIONS):
                negated = True
            if c.dep_ == "advmod" and any(g.dep_ == "neg" for g in c.children):
                negated = True  # "are no longer repatriated", "not yet signed"
            if c.dep_ == "mark" and low in _CONDITIONAL_MARKS:
                return "unreal"
            if c.dep_ == "advcl" and any(
                m.dep_ == "mark" and m.lower_ in ("unless", "if") for m in c.children
            ):
                conditional = True
            if c.dep_ in ("aux", "auxpass"):
                if low in _MODAL_FUTURE:
                    future = True
                elif low in _MODAL_HYPOTHETICAL:
                    if low == "would" and _reported(t):
                        future = True
                    elif low in ("could", "may", "might") and _reported(t):
                        possible = True  # "said it could suspend relations": a veiled threat
                    else:
                        return "unreal"
                elif low == "going" or c.lemma_ == "go":
                    future = True
        if t.lemma_.lower() in _INTENT_HEADS and t != trigger:
            future = True
    if trigger.pos_ in ("NOUN", "PROPN"):
        # "a round of talks is due to resume", "talks are set to begin": the noun's predicate
        gov = trigger
        for _ in range(4):
            if gov.pos_ in ("VERB", "AUX") or gov.head == gov:
                break
            gov = gov.head
        if any(c.dep_ == "acomp" and c.lemma_.lower() in _INTENT_HEADS for c in gov.children):
            future = True
    if negated:
        return "refused" if future else "unreal"
    # inside an if-clause higher up
    anc = chain[-1]
    for _ in range(3):
        if anc.dep_ in ("advcl", "ccomp") and any(
            c.dep_ == "mark" and c.lower_ in _CONDITIONAL_MARKS for c in anc.children
        ):
            return "unreal"
        if anc.head == anc:
            break
        anc = anc.head
    if possible:
        return "possible"
    if future and conditional:
        return "conditional-future"
    return "future" if future else "real"


def _running_toll(trigger: Token) -> bool:
    """'More than 330,000 people have been killed in Syria since the conflict began': a
    count of deaths over a period, in the present perfect and naming no one who did it, is
    a toll, not an event."""
    if trigger.lemma_.lower() not in ("kill", "die", "displace", "wound", "injure"):
        return False
    perfect = any(c.dep_ == "aux" and c.lemma_ == "have" for c in trigger.children)
    since = any(
        (c.dep_ == "prep" and c.lower_ == "since")
        or (c.dep_ == "advcl" and any(m.dep_ == "mark" and m.lower_ == "since" for m in c.children))
        for c in trigger.children
    )
    # "Israeli troops have killed 20 Palestinians since Friday" names who: that is an event
    agent = any(c.dep_ in ("nsubj", "agent") for c in trigger.children)
    return perfect and since and not agent


_BACKGROUND_MARKS = frozenset({"after", "before", "since", "when", "as", "while", "because",
                               "although", "though", "once", "until"})  # fmt: skip


def _subordinate(clause: Token) -> bool:
    """Background clauses ("after X attacked Y", "which Z signed") weigh less than the main one."""
    if clause.dep_ in ("relcl", "acl"):
        return True
    if clause.dep_ == "advcl":
        return any(c.dep_ == "mark" and c.lower_ in _BACKGROUND_MARKS for c in clause.children)
    return False


def _announced(clause: Token) -> bool:
    tok = clause
    for _ in range(3):
        if tok.dep_ in ("ccomp", "conj") and tok.head != tok:
            if tok.dep_ == "ccomp" and tok.head.lemma_.lower() in ("announce", "decide", "declare"):
                return True
            tok = tok.head
        else:
            return False
    return False


def _prepared(trigger: Token) -> bool:
    tok = trigger
    for _ in range(3):
        if tok.dep_ != "xcomp" or tok.head == tok:
            return False
        tok = tok.head
        if tok.lemma_.lower() == "prepare":
            return True
    return False


def _participle_clause(clause: Token) -> bool:
    """ "blocked roads, demanding ...": a participle clause adds to the main event."""
    return clause.dep_ in ("advcl", "acl", "xcomp") and clause.tag_ == "VBG" and not any(
        c.dep_ in ("nsubj", "mark") for c in clause.children
    )


def _is_passive(verb: Token) -> bool:
    return any(c.dep_ in ("nsubjpass", "auxpass") for c in verb.children) or (
        verb.dep_ == "acl" and verb.tag_ == "VBN"
    )


def _reproach(verb: Token) -> TriggerRule | None:
    """ "X said Y's conduct was shameful / a disgrace": reported reproach is an accusation."""
    if _say_of(verb) is None:
        return None
    if any(c.dep_ == "neg" for c in verb.children):
        return None
    # "said China was destabilising the region": the reported act itself can be the reproach
    near = [verb, *verb.children] + [g for c in verb.children for g in c.children]
    # "is part of a triangle of evil": the predicate noun and its "of" phrases
    for attr in (c for c in verb.children if c.dep_ in ("attr", "acomp", "oprd")):
        frontier = [attr]
        for _ in range(3):
            frontier = [o for t in frontier for p in t.children
                        if p.dep_ == "prep" and p.lower_ == "of"
                        for o in p.children if o.dep_ == "pobj"]
            near.extend(frontier)
            near.extend(a for t in frontier for a in t.children if a.dep_ in ("amod", "compound"))
    if any(t.lemma_.lower() in _REPROACH_WORDS or t.lower_ in _REPROACH_WORDS for t in near):
        return _REPROACH_RULE  # the verdict itself ("was a disgrace"), not a word deep inside
    return None


def _reported_wrongdoing(verb: Token) -> TriggerRule | None:
    """ "The Assad regime, he said, had defied the norms", "X said Y had betrayed ...":
    wrongdoing told by another is that speaker's accusation (coded once, as ACCUSE)."""
    if verb.lemma_.lower() not in _WRONGDOING_VERBS or _say_of(verb) is None:
        return None
    if any(c.dep_ == "neg" for c in verb.children):
        return None
    speaker = next((c for c in _say_of(verb).children if c.dep_ == "nsubj"), None)  # type: ignore[union-attr]
    doer = next((c for c in verb.children if c.dep_ == "nsubj"), None)
    if speaker is None or doer is None or doer.lower_ in ("i", "we"):
        return None
    return _REPROACH_RULE


def _say_of(verb: Token) -> Token | None:
    """The verb of saying that reports this clause: "X said (that) Y ...", or the
    parenthetical "Y, X said, had ..."; None when no one is reported saying it."""
    if verb.dep_ == "ccomp" and verb.head.lemma_.lower() in _SAY_VERBS:
        return verb.head
    for child in verb.children:
        if (
            child.dep_ == "parataxis"
            and child.lemma_.lower() in _SAY_VERBS
            and any(c.dep_ == "nsubj" for c in child.children)
        ):
            return child
    return None


def _obligation_frame(
    verb: Token, *, needs_addressee: bool = True
) -> tuple[Token, list[Token], list[Token], float] | None:
    """Speaker and addressee of reported speech. A demand needs someone it is made on; a
    reproach need not name whom ("Akunjee said there were deep failings")."""
    say = _say_of(verb)
    if say is None:
        return None
    speakers = [c for c in say.children if c.dep_ == "nsubj"] or _inherited_subjects(say)
    # "told his Turkish counterpart that ... must": the hearer; else the one who must act
    addressees = [c for c in say.children if c.dep_ in ("dobj", "dative")] or [
        c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")
    ]
    if not speakers or (needs_addressee and not addressees):
        return None
    return say, speakers, addressees, -0.1


_CONCESSION_VERBS = frozenset({"remove", "lift", "ease", "end", "halt", "release", "withdraw",
                               "drop", "scrap", "allow", "grant", "relax", "reduce", "stop",
                               "abandon", "suspend", "free", "return", "cede", "concede",
                               "restore", "reinstate", "accept"})  # fmt: skip


def _promised_act(
    verb: Token, lexicon: TriggerLexicon, *, any_clause: bool = False
) -> tuple[Token, TriggerRule | None] | None:
    """The act a promise, vow, pledge, agreement or order is about ("vowed to expel ...",
    "promise arrests", "ordered that she be stripped of ...")."""
    for child in verb.children:
        if not any_clause and child.dep_ == "ccomp" and not any(
            a.dep_ == "aux" and a.lower_ in _MODAL_FUTURE | {"would"} for a in child.children
        ):
            continue  # "agreed with Trump that a blow had been struck": an opinion, not a promise
        if child.dep_ in ("xcomp", "ccomp", "dobj", "oprd"):
            for tok in [child, *child.subtree]:
                if tok.pos_ in ("VERB", "AUX", "NOUN"):
                    rule = lexicon.rule_for(tok, lambda _t: True)
                    if rule is not None or tok.lemma_.lower() in _CONCESSION_VERBS:
                        return tok, rule
    return None


def promise_reading(
    verb: Token, rule: TriggerRule, lexicon: TriggerLexicon
) -> tuple[str, str, str | None] | None:
    """What an agreement or promise is, by what is promised: a promise of force is a
    THREATEN ("vowed to expel"), a promise to yield is a CONCEDE ("agreed to lift the ban")."""
    found = _promised_act(verb, lexicon)
    if found is None:
        return None
    tok, promised = found
    if promised is not None and promised.event == "REJECT" and rule.lemma != "agree":
        return "REJECT", "120", None  # "vowed to veto the resolution": a refusal announced
    if (
        promised is not None and promised.event in _CONFLICT_TYPES - {"REJECT"}
        and rule.lemma != "agree"  # "agreed to dissolve his foundation" threatens no one
    ):
        return "THREATEN", "138" if promised.event == "ASSAULT" else "130", None
    if tok.pos_ != "NOUN" and (
        tok.lemma_.lower() in _CONCESSION_VERBS
        or (promised is not None and promised.event == "CONCEDE")
    ):
        return "CONCEDE", "080", None
    return None


def _reported(verb: Token) -> bool:
    """Is this clause reported speech ("said it would ...")? Then "would" is a past future."""
    tok = verb
    for _ in range(3):
        if tok.dep_ == "ccomp" and tok.head.lemma_.lower() in _SAY_VERBS:
            return True
        if tok.head == tok:
            return False
        tok = tok.head
    return False


def _intention(rule: TriggerRule) -> tuple[str | None, str, str | None]:
    """What an announced future act is in PLOVER: AGREE for cooperation (the PLOVER
    gold codes "said they will release the hostages" as AGREE), THREATEN for conflict."""
    quad = quad_class(rule.event)
    if rule.event in ("AGREE", "THREATEN"):
        return rule.event, rule.cameo, rule.mode
    if quad in (QuadClass.VERBAL_COOPERATION, QuadClass.MATERIAL_COOPERATION):
        return "AGREE", "036" if rule.event == "CONSULT" else "030", None
    if quad is QuadClass.MATERIAL_CONFLICT:
        return "THREATEN", "138" if rule.event in ("ASSAULT", "MOBILIZE") else "130", None
    return None, rule.cameo, rule.mode


def _usable(actor: Actor) -> bool:
    return bool(actor.country or actor.sector or (actor.name and actor.name != actor.text))


def _same(a: Actor, b: Actor) -> bool:
    return a.text == b.text or (a.name is not None and a.name == b.name and a.country == b.country and a.sector == b.sector)


def _dedupe(cands: list[Candidate]) -> list[Candidate]:
    best: dict[tuple, Candidate] = {}
    for c in cands:
        key = (c.event, c.actor.actor.code or c.actor.actor.text, c.recipient.actor.code if c.recipient else None, c.trigger.i)
        if key not in best or c.confidence > best[key].confidence:
            best[key] = c
    return list(best.values())


# Verbs of knowing and being: "X should know/be/understand" asks no one to act.
_STATIVE_VERBS = frozenset({"know", "be", "understand", "realise", "realize", "remember",
                            "recognise", "recognize", "see", "feel", "think", "believe",
                            "learn", "expect", "seem", "appear", "remain"})  # fmt: skip
_FIRST_PERSON = frozenset({"we", "i", "us"})

_OBLIGATION_RULE = TriggerRule(
    lemma="must", pos="V", event="REQUEST", mode=None, cameo="100", when="", weight=0.6
)
_REPROACH_RULE = TriggerRule(
    lemma="(reproach)", pos="V", event="ACCUSE", mode="disapprove", cameo="111", when="",
    weight=0.5,
)
_SAYING_RULES = (_OBLIGATION_RULE, _REPROACH_RULE)
# Words that can make a sentence hold an event without a lexicon trigger (see _obligation, _reproach)
# Words of reproach that make a reported statement an accusation.
# Wrongdoing that, reported by someone else, is that speaker's accusation.
_WRONGDOING_VERBS = frozenset({"defy", "violate", "breach", "flout", "betray", "lie",
                               "cheat", "sabotage"})  # fmt: skip
_REPROACH_WORDS = frozenset({
    "unacceptable", "shameful", "shamefully", "disgraceful", "disgrace", "outrageous",
    "irresponsible", "illegal", "unlawful", "criminal", "betrayal", "stain", "hypocrisy",
    "hypocritical", "reckless", "provocation", "provocative", "deplorable", "appalling",
    "scandalous", "failing", "failings", "failure", "malicious", "devastating", "lies",
    "propaganda", "aggression", "violation", "violations", "atrocity", "atrocities",
    "barbaric", "inhumane", "cynical", "dangerous", "unjustified", "baseless", "absurd",
    "evil", "murderous", "brutal", "corrupt", "thugs", "butcher", "murderer", "murderers",
    "destabilise", "destabilize", "destabilising", "destabilizing", "meddling", "meddle",
    "interference", "interfering",
})

CUE_WORDS: frozenset[str] = _REPROACH_WORDS | _OBLIGATION | {"needs", "need", "has", "have"}
# Forms of the verbs of saying those cues need ("said", "told", "insists" ...).
SAY_FORMS: frozenset[str] = frozenset(f for verb in _SAY_VERBS for f in inflections(verb)) | {
    "said", "told", "wrote", "says"
}

__all__ = ["CUE_WORDS", "SAY_FORMS", "Candidate", "EventExtractor", "np_tokens"]
