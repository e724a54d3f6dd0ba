"""Write the Dutch and English texts of generated practices and initiatives from word lists and sentence templates.

Every list holds (Dutch, English) pairs, so that a text and its translation say the same thing. The words are those
of the database's own pages (taalcafé, buurtmoestuin, babbelbank, ...); a text is a handful of sentences chosen
and filled by a seeded ``random.Random``, so it reads like a record of the database and is the same for a seed.
"""

ACTIVITIES = [
    ("taalcafé", "language café"), ("buurtmoestuin", "community vegetable garden"), ("babbelbank", "chat bench"),
    ("repaircafé", "repair café"), ("buurtfeest", "neighbourhood party"), ("kookatelier", "cooking workshop"),
    ("wandelgroep", "walking group"), ("huiswerkbegeleiding", "homework support"), ("buddywerking", "buddy scheme"),
    ("ontmoetingsruimte", "meeting place"), ("speelstraat", "play street"), ("burenhulp", "neighbourly help"),
    ("verhalenproject", "storytelling project"), ("sportkamp", "sports camp"), ("leesclub", "reading club"),
    ("fietsles", "cycling lessons"), ("naaiatelier", "sewing workshop"), ("muziekproject", "music project"),
    ("dialoogtafel", "dialogue table"), ("welkomstwandeling", "welcome walk"), ("inloopmoment", "drop-in session"),
    ("deelkast", "sharing cupboard"), ("buurtkrant", "neighbourhood newspaper"), ("jongerenraad", "youth council"),
    ("soepbar", "soup bar"), ("pleinwerking", "square programme"), ("schoolpoort-overleg", "school-gate meeting"),
    ("vrijwilligersbank", "volunteer exchange"), ("theaterproject", "theatre project"),
    ("digitaal spreekuur", "digital help desk"), ("zwemles", "swimming lessons"), ("buurtbarbecue", "street barbecue"),
    ("opvoedingswinkel", "parenting shop"), ("peterschap", "mentoring scheme"), ("filmavond", "film night"),
    ("buurtsportdag", "neighbourhood sports day"), ("fotoproject", "photography project"),
    ("ouderencafé", "seniors' café"), ("brugfiguur", "school bridge worker"), ("ruilmarkt", "swap market"),
]
PLACES_IN = [
    ("in de wijk", "in the neighbourhood"), ("op het plein", "on the square"), ("in de bibliotheek", "at the library"),
    ("op school", "at school"), ("in het jeugdhuis", "at the youth centre"), ("in het dienstencentrum",
    "at the service centre"), ("in het buurthuis", "at the community centre"), ("in het park", "in the park"),
]
QUALITIES = [  # how often or how: adverbs, which Dutch does not inflect
    ("laagdrempelig", "in an easy-going way"), ("kleinschalig", "on a small scale"), ("wekelijks", "every week"),
    ("maandelijks", "every month"), ("gratis", "free of charge"), ("in verschillende talen", "in several languages"),
]
ORGANISATIONS = [
    ("Gemeente {m}", "Municipality of {m}", True), ("OCMW {m}", "Public Social Welfare Centre of {m}", True),
    ("Bibliotheek {m}", "{m} Library", False), ("Jeugdhuis {w}", "Youth centre {w}", False),
    ("Buurtwerk {w}", "Community work {w}", False), ("Vzw {w} {m}", "{w} {m} (non-profit)", False),
    ("Dienstencentrum {w}", "Service centre {w}", False), ("Sportclub {w} {m}", "Sports club {w} {m}", False),
    ("Vrijwilligerspunt {m}", "{m} Volunteer Point", False), ("Basisschool {w}", "Primary school {w}", False),
]
NAMES = ["De Brug", "Het Anker", "De Kering", "Samen Sterk", "De Vonk", "Het Trefpunt", "De Linde", "Open Huis",
         "De Horizon", "Kleurrijk", "De Kiem", "Het Kruispunt", "Buurtzorg", "De Schakel", "Het Nest", "Ruimte"]
INTRO = [
    ("Met een {a} brengt het lokaal bestuur {g} {q} samen rond een gedeelde interesse.",
     "With a {ae}, the local government brings {ge} together {qe} around a shared interest."),
    ("Veel {g} voelen zich niet thuis in het bestaande aanbod; een {a} verlaagt die drempel.",
     "Many {ge} do not feel at home in what is on offer; a {ae} lowers that threshold."),
    ("Een {a} is een eenvoudige manier om mensen die elkaar anders niet ontmoeten met elkaar in contact te brengen.",
     "A {ae} is a simple way to bring people together who would not otherwise meet."),
]
BODY = [
    ("Vrijwilligers en medewerkers van {o} bereiden elke bijeenkomst samen voor.",
     "Volunteers and staff of {oe} prepare every session together."),
    ("De deelnemers bepalen zelf mee het programma, zodat het aanbod aansluit bij wat zij belangrijk vinden.",
     "The participants help decide the programme, so that it matches what they find important."),
    ("De werking past binnen het beleidsdomein {d} en wordt opgevolgd door een kleine stuurgroep.",
     "The work falls within the policy domain of {de} and is followed up by a small steering group."),
    ("Er is geen inschrijving nodig: wie wil, schuift gewoon aan.", "No registration is needed: anyone can join."),
    ("Naast ontmoeting is er ruimte om vragen te stellen over wonen, werk, school of gezondheid.",
     "Besides meeting others, there is room for questions about housing, work, school or health."),
    ("Een tolk of een meertalige vrijwilliger helpt wie het Nederlands nog niet goed beheerst.",
     "An interpreter or a multilingual volunteer helps those who do not yet speak Dutch well."),
    ("Lokale verenigingen, scholen en het OCMW verwijzen mensen door en zoeken mee naar nieuwe deelnemers.",
     "Local associations, schools and the social welfare centre refer people and help find new participants."),
    ("De activiteiten vinden plaats {p}, op een plek die voor iedereen vlot bereikbaar is.",
     "The activities take place {pe}, somewhere everyone can easily reach."),
    ("Na een jaar werd de aanpak samen met de deelnemers geëvalueerd en op enkele punten bijgestuurd.",
     "After a year the approach was evaluated with the participants and adjusted on a few points."),
    ("Zo groeit er vertrouwen tussen buren die voordien nauwelijks een woord met elkaar wisselden.",
     "This builds trust between neighbours who had barely exchanged a word before."),
    ("Het initiatief kost weinig: een ruimte, koffie en thee, en wat materiaal volstaan om te starten.",
     "The initiative costs little: a room, coffee and tea, and some materials are enough to start."),
    ("Ook {g2} sluiten geregeld aan, wat voor nieuwe ontmoetingen tussen generaties en culturen zorgt.",
     "{g2e} regularly join in too, which leads to new encounters between generations and cultures."),
]
FACTORS = [
    ("Een vaste plek en een vast moment", "A fixed place and a fixed time"),
    ("Vrijwilligers die de buurt goed kennen", "Volunteers who know the neighbourhood well"),
    ("Persoonlijke uitnodigingen in plaats van folders", "Personal invitations rather than leaflets"),
    ("Samenwerking met scholen en verenigingen", "Cooperation with schools and associations"),
    ("Een warm onthaal bij het eerste bezoek", "A warm welcome on the first visit"),
    ("Deelnemers die zelf verantwoordelijkheid opnemen", "Participants who take on responsibility themselves"),
    ("Ondersteuning door een buurtwerker", "Support from a community worker"),
    ("Geen kosten voor de deelnemers", "No cost for the participants"),
]
CHALLENGES = [
    ("Vrijwilligers vinden en houden", "Finding and keeping volunteers"),
    ("De meest kwetsbare bewoners bereiken", "Reaching the most vulnerable residents"),
    ("Een geschikte ruimte vinden", "Finding a suitable room"),
    ("Structurele financiering na de projectperiode", "Structural funding after the project period"),
    ("Taalbarrières bij de eerste contacten", "Language barriers at first contact"),
    ("De werking bekend maken bij wie ze het meest nodig heeft", "Making it known to those who need it most"),
]


def lower(label: str) -> str:
    """Lowercase a label's first letter to use it within a sentence ("Ouderen" → "ouderen"), not an acronym's."""
    return label if label[:2].isupper() else label[:1].lower() + label[1:]


def sentences(chosen, templates, count, **slots):
    """Return a Dutch and an English text of ``count`` templates, filled with ``slots`` (nl and ``{name}e`` en)."""
    picked = chosen.sample(templates, min(count, len(templates)))
    return (" ".join(nl.format(**slots) for nl, _ in picked),
            " ".join(en.format(**slots) for _, en in picked))


def cap(text: str) -> str:
    """Capitalise a text's first letter."""
    return text[:1].upper() + text[1:]
