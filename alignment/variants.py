"""Named places, states, events and people, with the spellings each language uses.

This is the small table the suggester and the discrepancy detector share. Each entry is a key,
a label for people, and regular expressions per language. The expressions are matched,
case-sensitively, against the text *folded*: Romanian letters with diacritics become plain
letters (ă â → a, î → i, ș ş → s, ț ţ → t) and dashes become hyphens, one character for one, so
that offsets stay those of the received text. Write patterns in folded form: ``Herta`` finds
*Herța*, *Herţa* and *Herta*.

Romanian inflects names (*Basarabia*, *Basarabiei*), so its patterns name the endings. A
Romanian adjective is listed only where it stands for the name (*insulele dunărene*, the Danube
islands); nationality adjectives (*român*, *Romanian*) are not names and are left out on
purpose — translators move freely between *Romania's government* and *guvernul român*.

To add a place: add an entry with every spelling you have met (exonyms, transliterations,
older names), run ``manage.py align_documents … --dry-run`` and check the report.
"""

#: key: (label, English patterns, Romanian patterns)
VARIANTS = {
    # -- places ---------------------------------------------------------------------------
    "bessarabia": ("Bessarabia", [r"Bessarabia\w*"], [r"Basarabi\w*"]),
    "bukovina": ("Bukovina", [r"Bukovin\w*", r"Bucovin\w*"], [r"Bucovin\w*"]),
    "hertsa": ("Hertsa (Herța)", [r"Hertsa\b", r"Herta\b"], [r"Herta\b", r"Hertsa\b"]),
    "chernivtsi": (
        "Chernivtsi (Cernăuți, Czernowitz)",
        [r"Chernivtsi\b", r"Czernowitz\b", r"Cernauti\b", r"Chernovtsy\b", r"Tchernivtsi\b"],
        [r"Cernauti\b", r"Czernowitz\b", r"Cernauților\b", r"Cernautiului\b"],
    ),
    "chisinau": (
        "Chișinău (Kishinev)",
        [r"Chisinau\b", r"Kishinev\b", r"Kishinyov\b", r"Chisinev\b"],
        [r"Chisinau(lui)?\b", r"Kishinev\b"],
    ),
    "iasi": ("Iași (Jassy)", [r"Iasi\b", r"Jassy\b", r"Yassy\b"], [r"Iasi(ului)?\b"]),
    "bucharest": ("Bucharest", [r"Bucharest\b"], [r"Bucuresti(ului)?\b"]),
    "odessa": ("Odesa (Odessa)", [r"Odess?a\b"], [r"Odess?a\b"]),
    "moscow": ("Moscow", [r"Moscow\b"], [r"Moscov(a|ei)\b"]),
    "berlin": ("Berlin", [r"Berlin\b"], [r"Berlin(ul|ului)?\b"]),
    "rome": ("Rome", [r"Rome\b"], [r"Roma\b"]),
    "paris": ("Paris", [r"Paris\b"], [r"Paris(ul|ului)?\b"]),
    "danube": (
        "Danube",
        [r"Danube\b"],
        [r"Dunar(e|ea|ii)\b", r"dunar(ean|eana|ene|eni)\b"],
    ),
    "chilia": ("Chilia branch", [r"Chilia\b"], [r"Chilia\b"]),
    "dniester": ("Dniester (Nistru)", [r"Dniester\b", r"Nistru\b"], [r"Nistr(u|ul|ului)\b"]),
    "prut": ("Prut", [r"Prut\b"], [r"Prut(ul|ului)?\b"]),
    "black_sea": ("Black Sea", [r"Black Sea\b"], [r"Mar(ea|ii) Neagr(a|e)\b"]),
    "transnistria": ("Transnistria", [r"Transnistria\b"], [r"Transnistri(a|ei)\b"]),
    "transylvania": ("Transylvania", [r"Transylvania\b"], [r"Transilvani(a|ei)\b"]),
    # -- states ---------------------------------------------------------------------------
    "romania": ("Romania", [r"Romania\b"], [r"Romani(a|ei)\b"]),
    "soviet_union": (
        "Soviet Union",
        [r"Soviet Union\b", r"USSR\b", r"U\.S\.S\.R\."],
        [r"Uniun(ea|ii) Sovietic(a|e)\b", r"URSS\b"],
    ),
    "russia": ("Russia", [r"Russia\b"], [r"Rusi(a|ei)\b"]),
    "russian_empire": ("Russian Empire", [r"Russian Empire\b"], [r"Imperiul(ui)? Rus\b"]),
    "ottoman_empire": ("Ottoman Empire", [r"Ottoman Empire\b"], [r"Imperiul(ui)? Otoman\b"]),
    "austria_hungary": (
        "Austria-Hungary",
        [r"Austria-Hungary\b", r"Austro-Hungarian\b"],
        [r"Austro-Ungari(a|ei)\b"],
    ),
    "old_kingdom": ("Romanian Old Kingdom", [r"Old Kingdom\b"], [r"Vechi(ul|ului) Regat\b"]),
    "germany": ("Germany", [r"Germany\b"], [r"Germani(a|ei)\b"]),
    "france": ("France", [r"France\b"], [r"Frant(a|ei)\b"]),
    "italy": ("Italy", [r"Italy\b"], [r"Itali(a|ei)\b"]),
    "japan": ("Japan", [r"Japan\b"], [r"Japoni(a|ei)\b"]),
    "poland": ("Poland", [r"Poland\b"], [r"Poloni(a|ei)\b"]),
    "united_states": ("United States", [r"United States\b"], [r"Statel(e|or) Unite\b", r"SUA\b"]),
    "united_kingdom": (
        "United Kingdom",
        [r"United Kingdom\b", r"Britain\b"],
        [r"Regatul(ui)? Unit\b", r"Mare(a|i) Britani(e|i)\b"],
    ),
    "ukraine": ("Ukraine", [r"Ukraine\b"], [r"Ucrain(a|ei)\b"]),
    "moldova": ("Moldova (Moldavia)", [r"Moldova\b", r"Moldavia\b"], [r"Moldov(a|ei)\b"]),
    "moldavian_ssr": (
        "Moldavian SSR",
        [r"Moldavian (SSR|Soviet Socialist Republic)\b"],
        [r"(RSS|Republic\w* (Sovietic\w* Socialist\w*|Socialist\w* Sovietic\w*)) Moldoven\w*"],
    ),
    "moldavian_assr": (
        "Moldavian ASSR",
        [r"Moldavian (ASSR|Autonomous Soviet Socialist Republic)\b"],
        [
            r"(RASS|Republic\w* (Sovietic\w* Socialist\w*|Socialist\w* Sovietic\w*) Autonom\w*)"
            r" Moldoven\w*"
        ],
    ),
    "ukrainian_ssr": (
        "Ukrainian SSR",
        [r"Ukrainian (SSR|Soviet Socialist Republic)\b"],
        [
            r"(RSS|Republic\w* (Sovietic\w* Socialist\w*|Socialist\w* Sovietic\w*))"
            r" Ucrain(ean|ene)\w*"
        ],
    ),
    # -- alliances, wars, fronts, agreements ------------------------------------------------
    "axis": ("the Axis", [r"\bAxis\b"], [r"\bAx(a|ei)\b"]),
    "allies": ("the Allies", [r"\bAllies\b", r"\bAllied\b"], [r"\bAliat(ii|ilor)\b"]),
    "ww1": (
        "First World War",
        [r"First World War\b", r"World War I\b"],
        [r"Primul Razboi Mondial"],
    ),
    "ww2": (
        "Second World War",
        [r"Second World War\b", r"World War II\b"],
        [r"(al )?Doilea Razboi Mondial\b", r"Razboi(ul|ului) Mondial\b"],
    ),
    "russian_civil_war": (
        "Russian Civil War",
        [r"Russian Civil War\b"],
        [r"Razboi(ul|ului) Civil Rus\b"],
    ),
    "eastern_front": ("Eastern Front", [r"Eastern Front\b"], [r"Frontul(ui)? de Est\b"]),
    "molotov_ribbentrop": (
        "Molotov–Ribbentrop Pact",
        [r"Molotov-Ribbentrop\b"],
        [r"Molotov-Ribbentrop\b"],
    ),
    "definition_of_aggression": (
        "Convention for the Definition of Aggression",
        [r"Definition of Aggression\b"],
        [r"Definir(ea|ii) Agresiunii\b"],
    ),
    "declaration_of_independence": (
        "Declaration of Independence",
        [r"Declaration of Independence\b"],
        [r"Declarati(a|ei) de [Ii]ndependenta\b"],
    ),
    "sfatul_tarii": ("Sfatul Țării", [r"Sfatul Tarii\b"], [r"Sfatul(ui)? Tarii\b"]),
    # -- people ---------------------------------------------------------------------------
    "stalin": ("Stalin", [r"Stalin\b"], [r"Stalin\b"]),
    "hitler": ("Hitler", [r"Hitler\b"], [r"Hitler\b"]),
    "carol_ii": ("King Carol II", [r"Carol II\b"], [r"Carol (al )?II(-lea)?\b"]),
    "antonescu": ("Ion Antonescu", [r"Antonescu\b"], [r"Antonescu\b"]),
    "molotov": ("Molotov", [r"Molotov\b(?!-)"], [r"Molotov\b(?!-)"]),
}
