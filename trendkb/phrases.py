"""Candidate phrases of a paper: the 1- to 4-word phrases its title and abstract use.

The listings collector stores how many papers used each phrase (never the
text), and the emerging-topics detector compares those counts over months, so
the same idea must always give the same phrase:

- LaTeX (math between dollars, commands such as \\textit), URLs and e-mail
  addresses are removed first;
- the text is cut into chunks at punctuation, at stop words and at any token
  holding a digit, and phrases never cross a chunk's edge ("federated learning
  for hospitals" gives "federated learning" and "hospital", not
  "learning for hospitals");
- hyphens join nothing: "state-space model" and "state space model" are one phrase;
- every word is put in one form: singular ("models" -> "model") and American
  spelling ("optimisation" -> "optimization", "modelling" -> "modeling").

The word forms are a small rule set of our own. The general libraries we tried
get research vocabulary wrong ('bias' -> 'bia', 'corpus' -> 'corpu',
'analysis' -> 'analysi'), and a wrong form splits one topic in two.
"""

from __future__ import annotations

import re
from functools import lru_cache

MAX_WORDS = 4

_MATH = re.compile(r"\$\$.*?\$\$|\$[^$]*\$|\\\(.*?\\\)|\\\[.*?\\\]", re.S)
_COMMAND = re.compile(r"\\[A-Za-z]+\*?")
_LINK = re.compile(r"\b(?:https?://|www\.)\S+|\S+@\S+\.\w+")
# What ends a chunk: anything but letters, digits, spaces, hyphens and apostrophes.
_BREAK = re.compile(r"[^a-z0-9\s'\-]+")
_TOKEN = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


STOP_WORDS = _words("""
a about above across after again against all almost along already also although always am among an and another any
are around as at be became because been before being below between both but by can cannot could did do does doing done
down during each either else enough even ever every few for from further had has have having he her here hers herself
him himself his how however i if in into is it its itself just least less many may me might more most much must my
myself neither no nor not of off often on once one only onto or other others otherwise our ours ourselves out over own
per perhaps quite rather same several shall she should since so some such than that the their theirs them themselves
then there therefore these they this those though through throughout thus to too toward towards under until up upon us
very via was we well were what whatever when where whereas whether which while who whom whose why will with within
without would yet you your yours yourself yourselves
able across additionally among e g i e et al etc further moreover namely respectively whereby
achieve achieved achieves achieving address addressed addresses addressing allow allows approach approaches based
consider considered demonstrate demonstrated demonstrates existing experiment experiments experimental extensive
finally first furthermore good great high higher however important introduce introduced introduces key large lead leads
major make makes new novel obtain obtained outperform outperforms paper particular present presented presents previous
problem problems propose proposed proposes provide provided provides recent recently result results second show
showed shown shows significant significantly state-of-the-art study studies superior task tasks three two use used uses
using various work works
""")

# Plural forms the suffix rules below would get wrong.
_IRREGULAR = {
    "analyses": "analysis", "axes": "axis", "bases": "basis", "biases": "bias", "aliases": "alias",
    "appendices": "appendix", "criteria": "criterion", "hypotheses": "hypothesis", "indices": "index",
    "matrices": "matrix", "phenomena": "phenomenon", "vertices": "vertex", "children": "child", "people": "people",
    "syntheses": "synthesis", "theses": "thesis", "diagnoses": "diagnosis", "corpora": "corpus",
    "atlases": "atlas", "canvases": "canvas", "statuses": "status", "viruses": "virus", "buses": "bus",
    "focuses": "focus", "consensuses": "consensus", "prognoses": "prognosis", "ellipses": "ellipsis",
}
# Singular words that end like a plural.
_KEEP = _words("""
alias analysis atlas axis basis bias canvas chaos christmas diagnosis ellipsis gas hypothesis lens news pancreas
physics dynamics robotics statistics analytics semantics graphics linguistics mechanics economics ethics optics
genomics electronics mathematics kinematics informatics logistics politics acoustics thermodynamics photonics
bioinformatics proteomics pragmatics phonetics aesthetics forensics metabolomics transcriptomics haptics
series species thesis synthesis prognosis
""")
# British spellings with one American form; the -ise verbs are listed by stem, since 'noise' or 'precise' are not.
_AMERICAN = {
    "behaviour": "behavior", "colour": "color", "neighbour": "neighbor", "favour": "favor", "honour": "honor",
    "labour": "labor", "humour": "humor", "vapour": "vapor", "rumour": "rumor", "flavour": "flavor",
    "harbour": "harbor", "endeavour": "endeavor", "centre": "center", "metre": "meter", "fibre": "fiber",
    "litre": "liter", "theatre": "theater", "defence": "defense", "licence": "license", "offence": "offense",
    "grey": "gray", "programme": "program", "catalogue": "catalog", "analogue": "analog", "artefact": "artifact",
    "sceptical": "skeptical", "ageing": "aging", "judgement": "judgment", "aluminium": "aluminum",
    "manoeuvre": "maneuver", "oesophagus": "esophagus", "haemoglobin": "hemoglobin", "tumour": "tumor",
    "paediatric": "pediatric", "anaemia": "anemia", "oestrogen": "estrogen", "foetal": "fetal",
}
_IZE_STEMS = _words("""
optim normal regular general minim maxim util summar visual tokenv token character categor organ recogn real special
standard stabil initial parameter vector quant personal random synthes emphas prior custom central decentral local
global memor author capital critic familiar harmon hospital industrial legal mobil modern monet neutral optimal
penal polar popular privat publ serial social symbol synchron theor anonym commercial democrat digit econom
formal fertil crystal ideal immun individual jeopard material neutral operational contextual conceptual vocal
""")
_DOUBLED_L = _words("model label signal cancel channel travel level tunnel fuel funnel marshal total dial counsel "
                    "jewel shovel")
_IZE = re.compile(r"^(?P<stem>[a-z]+)is(?P<end>e|ed|es|ing|er|ers|ation|ations|able)$")
_YSE = re.compile(r"^(?P<stem>[a-z]*(?:anal|catal|paral|dial|electrol|hydrol))ys(?P<end>e|ed|es|ing|er|ers)$")
_LL = re.compile(r"^(?P<stem>[a-z]+l)l(?P<end>ed|ing|er|ers)$")


def _singular(word: str) -> str:
    if word in _IRREGULAR:
        return _IRREGULAR[word]
    if len(word) <= 3 or word in _KEEP or word.endswith(("ss", "us", "is", "ous")):
        return word
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(("sses", "xes", "ches", "shes", "zzes")):
        return word[:-2]
    if word.endswith("s"):
        return word[:-1]
    return word


def _american(word: str) -> str:
    if word in _AMERICAN:
        return _AMERICAN[word]
    if word.endswith("isation"):
        return word[:-7] + "ization"
    match = _IZE.match(word)
    if match and match["stem"] in _IZE_STEMS:
        return f"{match['stem']}iz{match['end']}"
    match = _YSE.match(word)
    if match:
        return f"{match['stem']}yz{match['end']}"
    match = _LL.match(word)
    if match and match["stem"] in _DOUBLED_L:
        return match['stem'] + match['end']
    return word


@lru_cache(maxsize=200_000)
def word_form(word: str) -> str:
    """The one form of a lower-case word: singular, American spelling."""
    return _american(_singular(word.removesuffix("'s")))


def chunks(text: str) -> list[list[str]]:
    """The runs of content words in `text`, each word in its one form (see the module docstring)."""
    text = _LINK.sub(" , ", _COMMAND.sub(" ", _MATH.sub(" , ", text or ""))).replace("{", " ").replace("}", " ")
    out: list[list[str]] = []
    for piece in _BREAK.split(text.lower()):
        run: list[str] = []
        for token in _TOKEN.findall(piece.replace("-", " ")):
            token = token.removesuffix("'s")
            if len(token) < 2 or token in STOP_WORDS or any(c.isdigit() for c in token) or "'" in token:
                if run:
                    out.append(run)
                run = []
            else:
                run.append(word_form(token))
        if run:
            out.append(run)
    return out


def phrases(*texts: str, longest: int = MAX_WORDS) -> set[str]:
    """Every phrase of 1 to `longest` words in the texts (a paper's title and abstract): what it is counted for."""
    found: set[str] = set()
    for text in texts:
        for run in chunks(text):
            for start in range(len(run)):
                for end in range(start + 1, min(start + longest, len(run)) + 1):
                    found.add(" ".join(run[start:end]))
    return found


def normal_phrases(text: str) -> list[str]:
    """A name or keyword ('Retrieval-Augmented Generation', 'mixture of experts') as the phrases it stands for,
    in the same form as the counted ones: each run of content words, whole."""
    return [" ".join(run) for run in chunks(text)]
