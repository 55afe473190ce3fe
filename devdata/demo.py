"""The `demo` fixture's content: demo accounts and real scholarship on the two received texts.

Everything is written through ``annotations.services``, as a scholar and a moderator would;
``devdata.fixture`` turns what was written into a deterministic fixture (UUIDs from ``uuid5``,
timestamps a minute apart from a fixed start, tag primary keys in a reserved block). Every quote
below is an exact substring of its passage; the services refuse the write if it is not.

The accounts are for demonstration only: their password is public.
"""

import datetime as dt
import uuid
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group

from annotations.models import (
    FlagCategory,
    FlagStatus,
    Motivation,
    Relation,
    Visibility,
)
from annotations.permissions import MODERATORS, SCHOLARS
from annotations.services import (
    TargetData,
    create_annotation,
    create_crossref,
    create_flag,
    set_flag_status,
)
from archive.models import Passage

ENGLISH = "soviet-occupation-of-bessarabia-and-northern-bukovina"
ROMANIAN = "ocuparea-sovietica-a-basarabiei-si-bucovinei-de-nord"

PASSWORD = "archive-demo"
#: A fixed salt (and hasher) so that the fixture is byte-stable. Demo accounts only.
PASSWORD_SALT = "demo-only-salt"
PASSWORD_HASHER = "pbkdf2_sha256"
#: (username, group, is_staff)
USERS = (("scholar", SCHOLARS, False), ("moderator", MODERATORS, True))

#: Primary keys of the demo records are ``uuid5(NAMESPACE, "<model>:<n>")``.
NAMESPACE = uuid.UUID("f785c41e-7b36-5858-b324-2ac0379eee00")
#: The accounts join at EPOCH; the n-th write happens n minutes later.
EPOCH = dt.datetime(2026, 11, 22, 12, 0, tzinfo=dt.UTC)
#: Demo tags (and evidence rows, if any) take primary keys from this block up.
RESERVED_PK_BASE = 9000

#: Every Romanian passage and the English lead text it translates:
#: (Romanian anchor, English anchor, English span or "" for the whole passage, note).
TRANSLATIONS = (
    (
        "p-1",
        "p-1",
        "",
        "Translates the whole English paragraph, but ends the occupation on 4 July instead of "
        "3 July and adds a sentence on the regions' earlier status (both flagged).",
    ),
    (
        "p-2",
        "p-2",
        "The Soviet Union had planned to accomplish the annexation with a full-scale invasion, "
        "but the Romanian government, responding to the Soviet ultimatum delivered on 26 June, "
        "agreed to withdraw from the territories to avoid a military conflict.",
        "First of six Romanian paragraphs that translate this English paragraph, sentence by "
        "sentence. “să cedeze din teritorii” (to cede territory) renders “withdraw from the "
        "territories” (flagged).",
    ),
    (
        "p-3",
        "p-2",
        "The use of force had been made illegal by the Conventions for the Definition of "
        "Aggression in July 1933, but from an international legal standpoint, the new status of "
        "the annexed territories was eventually based on a formal agreement through which "
        "Romania consented to the retrocession of Bessarabia and cession of Northern Bukovina.",
        "Second of six Romanian paragraphs that translate this English paragraph.",
    ),
    (
        "p-4",
        "p-2",
        "As it was not mentioned in the ultimatum, the annexation of the Hertsa region was not "
        "consented to by Romania, and the same is true of the subsequent Soviet occupation of "
        "the Danube islands.",
        "Third of six Romanian paragraphs that translate this English paragraph. The Romanian "
        "paragraph breaks off after “ocuparea ulterioară”; the sentence ends at the start of "
        "RO p-5 (flagged).",
    ),
    (
        "p-5",
        "p-2",
        "On 24 June, Nazi Germany, which had acknowledged the Soviet interest in Bessarabia in a "
        "secret protocol to the 1939 Molotov–Ribbentrop Pact, had been made aware prior to the "
        "planned ultimatum but did not inform the Romanian authorities and was unwilling to "
        "provide support.",
        "Fourth of six Romanian paragraphs that translate this English paragraph. It opens with "
        "the end of the previous sentence, “sovietică a insulelor dunărene.” (Soviet occupation "
        "of the Danube islands), and reverses “unwilling” (flagged).",
    ),
    (
        "p-6",
        "p-2",
        "On 22 June, France, a guarantor of Romanian borders, fell to Nazi advances. This is "
        "considered to be an important factor in the Soviets' decision to issue the ultimatum.",
        "Fifth of six Romanian paragraphs that translate this English paragraph.",
    ),
    (
        "p-7",
        "p-2",
        "The Soviet invasion of Bukovina in 1940 violated the Molotov-Ribbentrop Pact, since it "
        "went beyond the Soviet sphere of influence that had been agreed with the Axis.",
        "Last of six Romanian paragraphs that translate this English paragraph; the Romanian "
        "adds a definition of the Axis that the English does not have (flagged).",
    ),
    (
        "p-8",
        "p-3",
        "On 2 August 1940, the Moldavian Soviet Socialist Republic was proclaimed as a "
        "constituent republic of the Soviet Union, encompassing most of Bessarabia and part of "
        "the Moldavian Autonomous Soviet Socialist Republic, an autonomous republic of the "
        "Ukrainian Soviet Socialist Republic on the left bank of the Dniester (now the breakaway "
        "Transnistria).",
        "First of two Romanian paragraphs that translate this English paragraph: its first "
        "sentence.",
    ),
    (
        "p-9",
        "p-3",
        "The Hertsa region and the regions inhabited by Slavic majorities (Northern Bukovina, "
        "Northern and Southern Bessarabia) were included in the Ukrainian SSR. A period of "
        "political persecution, including executions, deportations to labour camps and arrests, "
        "occurred during the Soviet administration.",
        "Second of two Romanian paragraphs that translate this English paragraph: its last two "
        "sentences.",
    ),
    (
        "p-10",
        "p-4",
        "In July 1941, Romanian and German troops occupied Bessarabia, Northern Bukovina and "
        "Hertsa during the Axis invasion of the Soviet Union. A military administration was "
        "established, and the region's Jewish population was executed on the spot or deported "
        "to Transnistria, where large numbers were killed.",
        "First of five Romanian paragraphs that translate this English paragraph.",
    ),
    (
        "p-11",
        "p-4",
        "In August 1944, during the Soviet Second Jassy–Kishinev Offensive, the Axis war effort "
        "on the Eastern Front collapsed.",
        "Second of five Romanian paragraphs that translate this English paragraph.",
    ),
    (
        "p-12",
        "p-4",
        "The coup of 23 August 1944 caused the Romanian army to cease resisting the Soviet "
        "advance and to join the fight against Germany.",
        "Third of five Romanian paragraphs that translate this English paragraph.",
    ),
    (
        "p-13",
        "p-4",
        "Soviet forces advanced from Bessarabia into Romania, captured much of its standing army "
        "as prisoners-of-war and occupied the country. On 12 September 1944, Romania signed the "
        "Moscow Armistice with the Allies.",
        "Fourth of five Romanian paragraphs that translate this English paragraph.",
    ),
    (
        "p-14",
        "p-4",
        "The Armistice and the subsequent peace treaty of 1947 confirmed the Soviet-Romanian "
        "border as it was on 1 January 1941.",
        "Last of five Romanian paragraphs that translate this English paragraph.",
    ),
    ("p-15", "p-5", "", "Translates the whole English paragraph."),
    (
        "p-16",
        "p-1",
        "On 26 October 1940, six Romanian islands on the Chilia branch of the Danube, with an "
        "area of 23.75 km2 (9.17 sq mi), were also occupied by the Soviet Army.",
        "Repeats, word for word, the last sentence of RO p-1, which already translates this "
        "English sentence (flagged as a duplicate).",
    ),
)


@dataclass
class DemoBuild:
    """What the build wrote: the accounts, and every write in order as (model, pk)."""

    users: list
    writes: list = field(default_factory=list)

    def record(self, instance):
        self.writes.append((type(instance), instance.pk))
        return instance


# ---------------------------------------------------------------------------
# Writing the content
# ---------------------------------------------------------------------------


def passage(slug, anchor):
    return Passage.objects.get_by_natural_key(slug, anchor)


def en(anchor, exact=""):
    return TargetData(passage=passage(ENGLISH, anchor), exact=exact)


def ro(anchor, exact=""):
    return TargetData(passage=passage(ROMANIAN, anchor), exact=exact)


def create_users():
    """The demo accounts, with a deterministic password hash."""
    user_model = get_user_model()
    users = []
    for username, group, is_staff in USERS:
        user = user_model(
            username=username,
            password=make_password(PASSWORD, salt=PASSWORD_SALT, hasher=PASSWORD_HASHER),
            is_staff=is_staff,
            is_superuser=False,
            date_joined=EPOCH,
        )
        user.save()
        user.groups.add(Group.objects.get(name=group))
        users.append(user)
    return users


class DemoWriter:
    """Writes through the services as the demo scholar (or moderator), recording each write."""

    def __init__(self, build, scholar, moderator):
        self.write = build.record
        self.scholar, self.moderator = scholar, moderator

    def crossref(self, target, to_target, relation, note):
        return self.write(
            create_crossref(
                user=self.scholar, target=target, relation=relation, note=note, to_target=to_target
            )
        )

    def flag(self, target, category, statement):
        return self.write(
            create_flag(user=self.scholar, target=target, category=category, statement=statement)
        )

    def annotate(
        self, target, body, motivation, tags, visibility=Visibility.PUBLIC, user=None, parent=None
    ):
        return self.write(
            create_annotation(
                user=user or self.scholar,
                target=target,
                body=body,
                motivation=motivation,
                visibility=visibility,
                tags=tags,
                parent=parent,
            )
        )


def build_demo():
    """Create the demo accounts and content through the services; return what was written.

    Claims come in passage order, each after the cross-references it relies on.
    """
    scholar, moderator = create_users()
    build = DemoBuild(users=[scholar, moderator])
    demo = DemoWriter(build, scholar, moderator)
    translations(demo)
    date_flag = date_claim(demo)
    union_claims(demo)
    wording_claims(demo)
    pact_claims(demo)
    text_claims(demo)
    annotations(demo)
    moderation(demo, date_flag)
    return build


def translations(demo):
    """Cross-reference every Romanian passage to the English lead text it translates."""
    for ro_anchor, en_anchor, en_exact, note in TRANSLATIONS:
        demo.crossref(ro(ro_anchor), en(en_anchor, en_exact), Relation.TRANSLATION_OF, note)


def date_claim(demo):
    """Flag the Romanian end date of the occupation, after the cross-reference it relies on."""
    demo.crossref(
        en("p-1", "3 July 1940"),
        en("p-43", "On 3 July the border was closed completely from the Soviet side."),
        Relation.SUPPORTS,
        "The article's own account of the occupation ends it on 3 July, when the border was "
        "closed from the Soviet side.",
    )
    return demo.flag(
        ro("p-1", "4 iulie 1940"),
        FlagCategory.DATE,
        "The Romanian ends the occupation on “4 iulie 1940” (4 July 1940): “între 28 iunie și "
        "4 iulie 1940”. The English original has “Between 28 June and 3 July 1940”. The English "
        "article agrees with itself: its section “Incorporation of annexed territories into the "
        "Soviet Union” says “On 3 July the border was closed completely from the Soviet side” "
        "(see the cross-reference from the English lead). The Romanian text cites nothing for "
        "4 July, and the English was received without its footnotes, so no catalogued "
        "reference can be attached as evidence for either date.",
    )


def union_claims(demo):
    """Flag the sentence the Romanian lead adds, after the three cross-references it relies on."""
    for ro_exact, en_anchor, en_exact, note in (
        (
            "Basarabia făcea parte din Regatul României încă din timpul Războiului Civil Rus",
            "p-10",
            "On 27 March/9 April 1918, the Sfatul Țării voted for the Union of Bessarabia with "
            "Romania",
            "The English article's account of the Sfatul Țării's vote of 1918 for the union of "
            "Bessarabia with Romania.",
        ),
        (
            "Bucovina de la dizolvarea Austro-Ungariei",
            "p-11",
            "on 28 November, a Congress of the Romanians, Germans, and Poles voted to unite "
            "with Romania",
            "The English article's account of Bukovina's union with Romania at the end of the "
            "First World War (1918).",
        ),
        (
            "Herța era un district al Vechiului Regat Român",
            "p-35",
            "Soviet forces also occupied the Hertsa region, part of the Romanian Old Kingdom, "
            "which was in neither Bessarabia nor Bukovina.",
            "The English article calls Hertsa a region of the Romanian Old Kingdom; it does not "
            "call it a district.",
        ),
    ):
        demo.crossref(ro("p-1", ro_exact), en(en_anchor, en_exact), Relation.SUPPORTS, note)
    demo.flag(
        ro(
            "p-1",
            "Basarabia făcea parte din Regatul României încă din timpul Războiului Civil Rus și "
            "Bucovina de la dizolvarea Austro-Ungariei, iar Herța era un district al Vechiului "
            "Regat Român.",
        ),
        FlagCategory.UNSOURCED,
        "The Romanian adds a sentence that the English lead does not have: “Basarabia făcea "
        "parte din Regatul României încă din timpul Războiului Civil Rus și Bucovina de la "
        "dizolvarea Austro-Ungariei, iar Herța era un district al Vechiului Regat Român.” "
        "(Bessarabia had been part of the Kingdom of Romania since the Russian Civil War, and "
        "Bukovina since the dissolution of Austria-Hungary, while Herța was a district of the "
        "Romanian Old Kingdom.) The Romanian text carries no references. The English article's "
        "body supports the substance — the Sfatul Țării's vote of 27 March/9 April 1918 for "
        "the union of Bessarabia with Romania, the congress of 28 November 1918 that voted to "
        "unite Bukovina with Romania, and “the Hertsa region, part of the Romanian Old "
        "Kingdom” (see the three cross-references) — but it calls Hertsa a region, not a "
        "district. The addition should be sourced or marked as the translator's.",
    )


def wording_claims(demo):
    """Flag the Romanian wording of the withdrawal, and the break inside a sentence."""
    demo.crossref(
        en("p-2", "agreed to withdraw from the territories"),
        en("p-36", '"withdrawal" (avoiding the use of ceding)'),
        Relation.SUPPORTS,
        "The English wording is deliberate: the Crown Council's decision spoke of a "
        "“withdrawal” and avoided the word “ceding”.",
    )
    demo.flag(
        ro("p-2", "a fost de acord să cedeze din teritorii"),
        FlagCategory.TRANSLATION,
        "The Romanian says the government “a fost de acord să cedeze din teritorii” (agreed to "
        "cede territory); the English has “agreed to withdraw from the territories”. The "
        "English wording is deliberate: the article's section on the ultimatum says the Crown "
        'Council decided “to start a "withdrawal" (avoiding the use of ceding)” (see the '
        "cross-reference from the English lead). The next sentence of both texts does name the "
        "legal outcome “cession of Northern Bukovina” (“cesiunea Bucovinei de Nord”), so the "
        "discrepancy is in how the government's acceptance is worded, not in the outcome.",
    )

    demo.flag(
        ro("p-4", "pentru ocuparea ulterioară"),
        FlagCategory.OTHER,
        "Not a disputed fact but a break in the received text: a line break inside a sentence "
        "splits it over two passages. RO p-4 ends “și pentru ocuparea ulterioară” with no full "
        "stop, and RO p-5 opens “sovietică a insulelor dunărene.”. The English has one "
        "sentence: “and the same is true of the subsequent Soviet occupation of the Danube "
        "islands.” The catalogue keeps the text as received; read RO p-4 and p-5 together.",
    )


def pact_claims(demo):
    """Flag the Romanian account of the Pact and of Germany's support."""
    demo.crossref(
        en("p-2", "in a secret protocol to the 1939 Molotov–Ribbentrop Pact"),
        en("p-18", "a non-aggression treaty that contained an additional secret protocol"),
        Relation.SUPPORTS,
        "The article distinguishes the Pact, a non-aggression treaty, from its additional "
        "secret protocol.",
    )
    demo.flag(
        ro("p-5", "într-un protocol secret, Pactul Molotov-Ribbentrop din 1939"),
        FlagCategory.TRANSLATION,
        "Minor: the Romanian places the Soviet interest in Bessarabia “într-un protocol secret, "
        "Pactul Molotov-Ribbentrop din 1939” (in a secret protocol, the Molotov-Ribbentrop "
        "Pact of 1939), an apposition that makes the secret protocol and the Pact one thing. "
        "The English has “in a secret protocol to the 1939 Molotov–Ribbentrop Pact”, and its "
        "section on the Pact describes “a non-aggression treaty that contained an additional "
        "secret protocol” (see the cross-reference).",
    )

    demo.crossref(
        en("p-2", "was unwilling to provide support"),
        en(
            "p-32",
            'Stating that it would be "in the name of peace" to accede to Soviet demands, the '
            "ambassadors urged the King to stand down.",
        ),
        Relation.SUPPORTS,
        "On 27 June the German and Italian ambassadors urged King Carol II to accede to the "
        "Soviet demands rather than offering support.",
    )
    demo.flag(
        ro("p-5", "era dispusă să ofere sprijin"),
        FlagCategory.TRANSLATION,
        "The polarity is reversed. The Romanian says Nazi Germany “nu informa autoritățile "
        "române și era dispusă să ofere sprijin” (did not inform the Romanian authorities and "
        "was willing to provide support); the English says it “did not inform the Romanian "
        "authorities and was unwilling to provide support”. The English reading fits the rest "
        "of the English article: on 27 June the German and Italian ambassadors “urged the King "
        "to stand down” (see the cross-reference). The Romanian reads as if a negation was "
        "lost (“nu era dispusă”, was not willing).",
    )


def text_claims(demo):
    """Flag the definition the Romanian adds and its duplicated sentence."""
    demo.flag(
        ro(
            "p-7",
            "numită inițial Axa Roma-Berlin, a fost o coaliție militară care a inițiat al Doilea "
            "Război Mondial și a luptat împotriva Aliaților. Principalii săi membri au fost "
            "Germania nazistă, Regatul Italiei și Imperiul Japoniei.",
        ),
        FlagCategory.TRANSLATION,
        "The Romanian runs a definition of the Axis into the sentence: “numită inițial Axa "
        "Roma-Berlin, a fost o coaliție militară care a inițiat al Doilea Război Mondial și a "
        "luptat împotriva Aliaților. Principalii săi membri au fost Germania nazistă, Regatul "
        "Italiei și Imperiul Japoniei.” (originally called the Rome–Berlin Axis, was a military "
        "coalition that started the Second World War and fought against the Allies. Its main "
        "members were Nazi Germany, the Kingdom of Italy and the Empire of Japan.) The English "
        "sentence ends at “agreed with the Axis.” and has nothing of this. The addition is "
        "unsourced in the Romanian text, and it leaves the sentence ungrammatical (“puterile "
        "Axei, numită inițial …, a fost o coaliție”).",
    )

    demo.flag(
        ro(
            "p-16",
            "La 26 octombrie 1940, șase insule românești de pe brațul Chilia a Dunării, cu o "
            "suprafață de 23,75 km², erau și ele ocupate de armata sovietică.",
        ),
        FlagCategory.OTHER,
        "Duplicated sentence in the received text: its last paragraph repeats, word for word, "
        "the last sentence of RO p-1, “La 26 octombrie 1940, șase insule românești de pe brațul "
        "Chilia a Dunării, cu o suprafață de 23,75 km², erau și ele ocupate de armata "
        "sovietică.” The English has the sentence once, at the end of its first paragraph: "
        "“On 26 October 1940, six Romanian islands on the Chilia branch of the Danube, with an "
        "area of 23.75 km2 (9.17 sq mi), were also occupied by the Soviet Army.” Not a disputed "
        "fact; the catalogue keeps the text as received and this flag marks the repetition.",
    )


def annotations(demo):
    """Annotate, as the scholar (one note private) and the moderator (a reply)."""
    demo.annotate(
        en("p-1", "50,762 km2"),
        "**The figures agree.** The Romanian text writes this area as *50.762 km²*, with a "
        "full stop between thousands, and the population as *3.776.309*; the islands' "
        "*23.75 km2* becomes *23,75 km²*, with a decimal comma. These are Romanian number "
        "conventions, not discrepancies. The Romanian leaves out the conversions to square "
        "miles (*19,599 sq mi*, *9.17 sq mi*).",
        Motivation.COMMENTING,
        ["figures", "translation"],
    )
    spelling = demo.annotate(
        ro("p-4", "Hertsa"),
        "**Two spellings of one place.** This paragraph and RO p-9 (*Regiunea Hertsa*) use "
        "*Hertsa*, the English transliteration; RO p-1, p-10 and p-15 use the Romanian "
        "*Herța*. The English text has *Hertsa* throughout. Search for both spellings.",
        Motivation.IDENTIFYING,
        ["place-names", "orthography"],
    )
    demo.annotate(
        ro("p-3", "şi"),
        "**A cedilla.** This *ş* is U+015F, s with cedilla. Everywhere else the Romanian text "
        "has *ș*, U+0219, s with comma below, the Romanian letter. The catalogue keeps the "
        "character as received; a text search for *și* may not find this one.",
        Motivation.DESCRIBING,
        ["orthography"],
    )
    demo.annotate(
        ro("p-12", "să înceteze reziste la avansului sovietic"),
        "Working note, grammar only (no change of meaning, so not flagged):\n\n"
        "- here: read *să înceteze să reziste avansului sovietic* (to cease resisting the "
        "Soviet advance), as in the English;\n"
        "- RO p-11: *sa prăbușit* for *s-a prăbușit*;\n"
        "- RO p-1 and p-16: *brațul Chilia a Dunării* for *al Dunării*;\n"
        "- RO p-8: *malul stâng al Nistrul* for *al Nistrului*;\n"
        "- RO p-9: *Basarabiei de Nord și de Sud* for *Basarabia de Nord și de Sud*.",
        Motivation.COMMENTING,
        ["grammar"],
        visibility=Visibility.PRIVATE,
    )
    demo.annotate(
        TargetData(passage=spelling.passage),
        "Agreed. Both spellings stay as received; the catalogue does not normalise place names.",
        Motivation.COMMENTING,
        [],
        user=demo.moderator,
        parent=spelling,
    )


def moderation(demo, date_flag):
    """Take the date flag under review, as the moderator."""
    demo.write(
        set_flag_status(
            claim=date_flag,
            user=demo.moderator,
            status=FlagStatus.UNDER_REVIEW,
            note="The English article agrees with itself on 3 July; the flag can be upheld or "
            "rejected once a source for the end date has been checked (the English footnotes "
            "were not received).",
            base_version=date_flag.version,
        )
    )
