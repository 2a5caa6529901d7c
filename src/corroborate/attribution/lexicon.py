"""Word lists and the outlet gazetteer behind the source-kind classifier (:mod:`corroborate.attribution.source_kinds`).

Lists hold lower-case words; nouns are matched on their lemma and on their surface form. They name
general classes (outlet nouns, artefacts, institutions, unnamed people, roles, titles), never the
strings of any labelled example.
"""

from __future__ import annotations

import re

from corroborate.words import word_set


def _names(names: str) -> frozenset[str]:
    return frozenset(n for n in names.split("|") if n)


OUTLETS: frozenset[str] = _names(
    "60 minutes|abc|abc australia|abc news|abc news australia|afp|agence france-presse|al jazeera|ansa|ap|"
    "asahi shimbun|associated press|athletic|atlantic|axios|barron's|bbc|bbc news|bbc sport|bild|"
    "bloomberg|bloomberg news|boston globe|breitbart|breitbart news|business insider|buzzfeed|"
    "buzzfeed news|c-span|cbc|cbs|cbs news|channel 4|channel 4 news|channel 5|chicago tribune|cnbc|cnn|"
    "cnn business|corriere della sera|ctv|daily beast|daily caller|daily express|daily mail|daily mirror|"
    "daily news|daily record|daily star|daily telegraph|daily wire|dallas morning news|dawn|deadline|"
    "der spiegel|dpa|drudge report|economist|efe|el pais|el país|espn|evening standard|express|"
    "face the nation|financial times|forbes|fortune|fox|fox & friends|fox business|fox news|free press|ft|"
    "gb news|globe and mail|good morning america|guardian|haaretz|herald|hill|hindustan times|"
    "hollywood reporter|houston chronicle|huffington post|huffpost|i paper|independent|insider|intercept|"
    "interfax|irish times|itv|itv news|jerusalem post|journal|kff health news|kyodo|la times|lbc|"
    "le figaro|le monde|los angeles times|mail on sunday|mailonline|marketwatch|mediaite|meet the press|"
    "metro|miami herald|mirror|morning joe|mother jones|msnbc|national review|nbc|nbc news|"
    "new york daily news|new york post|new york times|new yorker|news corp|newsmax|newsnation|newsweek|"
    "nikkei|nikkei asia|notus|npr|ny post|nyt|oan|observer|one america news|pa media|page six|pbs|"
    "pbs newshour|people magazine|politico|politico europe|post|press association|propublica|puck|"
    "punchbowl news|radio 4|raw story|reuters|ria novosti|ringer|rolling stone|rt|salon|"
    "san francisco chronicle|scmp|scotsman|semafor|sky|sky news|sky sports|slate|south china morning post|"
    "spiegel|sports illustrated|sputnik|star tribune|stat|stat news|straits times|sun|sun on sunday|"
    "sunday telegraph|sunday times|sydney morning herald|talksport|tass|techcrunch|telegraph|telemundo|"
    "today show|time magazine|times|times of india|times of israel|tmz|today programme|univision|upi|"
    "usa today|vanity fair|variety|verge|vice|vice news|vox|wall street journal|washington examiner|"
    "washington free beacon|washington post|washington times|wired|wsj|xinhua|yahoo finance|yahoo news|"
    "yonhap|"
    # more outlets, national and partisan
    "al-monitor|american prospect|christian science monitor|cnsnews.com|cns news|cybercast news service|"
    "daily kos|daily signal|democracy now|federalist|fivethirtyeight|gawker|infowars|mcclatchy|"
    "national public radio|new republic|newsday|realclearpolitics|real clear politics|roll call|"
    "talking points memo|the blaze|townhall|voice of america|voa|washington monthly|zero hedge"
)
# Gazetteer entries that are also ordinary words: matched only when capitalised in the text.
CAPS_ONLY_OUTLETS: frozenset[str] = word_set(
    "athletic atlantic bild dawn deadline economist express fortune fox guardian herald hill independent "
    "insider intercept journal metro mirror observer post ringer salon sky slate stat sun times variety "
    "vice wired blaze federalist"
)
# Last words of outlet names ("The Springfield Observer", "Acme News Service"): with a capitalised name
# before them, the name is an outlet.
OUTLET_NAME_WORDS: frozenset[str] = word_set(
    "bulletin chronicle courier daily dispatch enquirer examiner gazette globe herald inquirer journal "
    "magazine mercury monitor newswire observer post press radio sentinel telegraph television times "
    "tribune tv weekly wire news"
)
# "... News Service", "... Press Agency", "... Broadcasting Corporation"
OUTLET_NAME_PAIRS: frozenset[str] = word_set("news press media broadcasting broadcast television radio")
OUTLET_NAME_TAILS: frozenset[str] = word_set("service agency network corporation company group")
# Modifiers that make an institution noun a news medium ("editorial boards", "news organizations").
OUTLET_MODIFIERS: frozenset[str] = word_set("editorial news media")

OUTLET_NOUNS: frozenset[str] = word_set(
    "broadcaster broadsheet channel magazine media network newspaper newsroom outlet paper press "
    "publication radio tabloid television tv website"
)
DOCUMENT_NOUNS: frozenset[str] = word_set(
    "account ad advert advertisement affidavit agreement amendment analysis announcement answer "
    "article assessment audio audit average ballot banner bill blog book brief brochure budget bylaw "
    "cable caption census chart charter clip column comment commercial complaint constitution "
    "contract data decree diary dictionary document documentary dossier draft e-mail editorial email entry "
    "episode essay estimate evidence figures filing film finding flyer footage forecast graphic "
    "guidance guideline headline index indictment inquiry investigation judgment law lawsuit leaflet "
    "leak legislation letter log mailer manifesto map measure memo memoir memorandum message minutes "
    "model motion movie newsletter note notice novel numbers obituary op-ed opinion ordinance page "
    "pamphlet papers petition photo photograph picture piece platform podcast poll polling post "
    "poster probe program programme projection proposal questionnaire quotation quote readout record "
    "recording regulation release remark reply report research resolution response result return "
    "review rule ruling sample segment sign site slide speech spot statement statistic statistics "
    "story study submission subpoena suit survey table tally tape testimony text trailer transcript "
    "treaty tweet verdict video voicemail warrant webpage word"
)
ORG_NOUNS: frozenset[str] = word_set(
    "administration agency airline alliance army association authorities authority bank bloc board "
    "brand bureau bureaucracy cabinet camp campaign carrier caucus charity church city club coalition "
    "college command commission committee company congress consortium corporation council country county "
    "court delegation department embassy establishment federation firm force foundation fund giant "
    "government group hospital institute insurer jury kremlin leadership legislature lender maker "
    "management manufacturer military ministry movement nation navy nonprofit office organisation "
    "organization panel parliament party pentagon police prosecution publisher regime regulator "
    "representative retailer school senate service startup state studio team union unit university "
    "watchdog"
)
# Institution nouns that stay one body in the plural ("police said", "authorities said").
ORG_PLURALS: frozenset[str] = word_set("police authorities")
# Speak on the record for a body: that body when it is named in the phrase, else an unnamed individual.
SPOKES_NOUNS: frozenset[str] = word_set(
    "spokesman spokesmen spokespeople spokesperson spokeswoman spokeswomen"
)
# Several unnamed people taken together, whatever the determiner ("the family", "the crowd").
GROUP_NOUNS: frozenset[str] = word_set(
    "audience crowd electorate family household populace population public"
)
# Collectives whose "of" phrase says what they are made of ("a group of doctors", "a chorus of critics").
COLLECTIVE_NOUNS: frozenset[str] = word_set(
    "array assortment band bunch cadre chorus coalition cohort collection contingent crowd gaggle group "
    "handful host legion number panel range series set slew team variety wave"
)
# Collectives of two or three: identified people when definite ("the pair of rivals").
PAIR_NOUNS: frozenset[str] = word_set("pair duo trio couple")
# Party members: a named party in the plural ("Republicans said"), a member in the singular.
PARTY_WORDS: frozenset[str] = word_set(
    "communist conservative democrat dem green independent labour liberal libertarian nationalist "
    "progressive republican socialist tory tories unionist whig"
)
# Determiners and modifiers that pick out part of a party or nation ("some Republicans").
SUBSET_WORDS: frozenset[str] = word_set(
    "some many most several few other others fellow numerous various certain dozens hundreds thousands "
    "no two three four five six seven eight nine ten"
)
# Unnamed people whose identity is withheld: anonymous whatever the determiner.
ANON_HEADS: frozenset[str] = word_set(
    "acquaintance activist administrator adviser advisor advocate agent aide ally analyst anyone "
    "artist assistant associate attendee backer banker blogger bystander caller campaigner citizen "
    "colleague commenter confidant confidante constituent consultant consumer contact counterpart "
    "critic customer defender delegate demonstrator detractor diplomat doctor donor economist "
    "employee enemy envoy expert fan figure follower friend immigrant individual informant insider "
    "investigator investor lawmaker leaker legislator listener lobbyist loyalist member migrant "
    "millennial moderate musician negotiator neighbor neighbour observer officer official onlooker "
    "operative opponent organiser organizer parent participant patient people person pollster "
    "proponent prosecutor protester questioner reader refugee relative rep researcher resident sceptic "
    "scientist skeptic soldier somebody someone source staff staffer strategist student supporter "
    "survivor taxpayer teacher teen teenager trader troop user veteran viewer voice volunteer voter "
    "whistleblower witness worker youth"
)
# Modifiers that mark a person as unidentified ("the masked executioner", "an unnamed official"), and
# what hides a face ("the man in the mask").
UNIDENTIFIED_MODIFIERS: frozenset[str] = word_set(
    "anonymous disguised faceless hooded masked unidentified unknown unnamed"
)
DISGUISES: frozenset[str] = word_set("balaclava disguise hood mask veil")
# Identifiable when definite ("the president"), anonymous when indefinite ("a senator").
ROLE_NOUNS: frozenset[str] = word_set(
    "actor actress admiral ambassador anchor announcer attorney aunt author billionaire bishop boss "
    "boyfriend brother businessman businesswoman candidate ceo chair chairman chairwoman challenger "
    "chancellor chef chief coach cofounder columnist commentator commissioner congressman "
    "congresswoman correspondent counsel cousin daughter dean defendant designer director editor "
    "emperor entrepreneur executive father fiance fiancee founder general girlfriend governor "
    "granddaughter grandfather grandmother grandson head host husband incumbent journalist judge "
    "justice king lawyer leader man manager mayor millionaire minister mogul mother multimillionaire "
    "narrator nephew niece nominee owner partner pastor physician plaintiff player politician pope "
    "premier president prince princess principal professor publicist pundit queen reporter "
    "representative rival secretary senator sheriff sibling singer sister son speaker spouse star "
    "stepdaughter stepfather stepmother stepson suspect tycoon uncle victim widow widower wife woman "
    "writer"
)
# Plural kin nouns and the roles of their members: naming "my parents" names "my mother".
KIN_MEMBERS: dict[str, tuple[str, ...]] = {
    "parent": ("mother", "father"),
    "child": ("son", "daughter"),
    "kid": ("son", "daughter"),
    "sibling": ("brother", "sister"),
    "grandparent": ("grandmother", "grandfather"),
    "grandchild": ("grandson", "granddaughter"),
}
# Words for the same role: naming "her attorney" names "her lawyer".
ROLE_SYNONYMS: dict[str, tuple[str, ...]] = {
    "lawyer": ("attorney", "counsel"),
    "attorney": ("lawyer", "counsel"),
    "counsel": ("lawyer", "attorney"),
    "spokesman": ("spokesperson", "spokeswoman"),
    "spokeswoman": ("spokesperson", "spokesman"),
    "spokesperson": ("spokesman", "spokeswoman"),
}
# Private roles, not unique offices: identified only when the article names someone in the role
# ("his lawyer" is anonymous unless the lawyer is named somewhere).
PRIVATE_ROLES: frozenset[str] = word_set(
    "announcer attorney aunt boyfriend brother counsel cousin daughter father fiance fiancee girlfriend "
    "granddaughter grandfather grandmother grandson husband lawyer mother narrator nephew niece partner "
    "physician publicist sibling sister son spokesman spokesperson spokeswoman spouse stepdaughter "
    "stepfather stepmother stepson uncle widow widower wife"
)
GROUP_PRONOUNS: frozenset[str] = word_set(
    "all both critics dozens everybody everyone few hundreds many most multiple nobody none numerous "
    "others several some supporters these those thousands various"
)
TITLES: frozenset[str] = word_set(
    "ambassador attorney capt chairman chancellor chief col commissioner congressman congresswoman dame "
    "deputy director dr first former gen general gov governor judge justice king lady lord lt mayor "
    "minister miss mr mrs ms pope president prince princess prof queen rep representative rev saint "
    "secretary sen senator sgt sir speaker st vice"
)
ORG_NAME_WORDS: frozenset[str] = word_set(
    "administration agency airlines alliance army assembly association authority bank board bureau "
    "cabinet campaign capital cdc center centre cia club co co. coalition command commission committee company "
    "congress consulting corp corp. corporation council court department dhs dnc doj downing epa eu fbi "
    "fda federation force foundation ftc fund gop government group holdings house ice imf inc inc. "
    "industries institute irs kremlin labs llc ltd ltd. ministry motors nasa nations nato navy network "
    "nsa ofcom office opec organisation organization parliament partners party pentagon pharmaceuticals "
    "plc police reserve rnc sec senate service services systems technologies trust un union university "
    "whitehall"
)
INDIVIDUAL_DETS: frozenset[str] = word_set("a an another any each either every neither one single that this")
DEFINITE_DETS: frozenset[str] = word_set("the both these those this that")
PERSON_PRONOUNS: frozenset[str] = word_set("he she him her his hers i me my mine himself herself")
GROUP_PERSONAL: frozenset[str] = word_set("they them their theirs we us our ours themselves")
IT_PRONOUNS: frozenset[str] = word_set("it its itself")
# Pronouns for the members of an earlier plural mention ("each said", "both said").
DISTRIBUTIVE_PRONOUNS: frozenset[str] = word_set("each both either neither")
RELATIVE_PRONOUNS = word_set("who which that whom")
NUMBER_WORDS = word_set(
    "two three four five six seven eight nine ten dozen several multiple many numerous some few various both"
)
PARTITIVES = word_set(
    "all both dozen dozens each few fraction half handful hundreds majority many millions minority most "
    "none number one percent percentage plurality portion proportion quarter several share some third "
    "thousands"
)
# endings of nouns for people ("researcher", "economist", "entrepreneur", "bureaucrat"), not "-ment" things
PERSON_ENDING = re.compile(
    r"(?<!m)(?:er|or|ist|ian|ant|ent|man|woman|ee|ess|eur|crat|ic|ier|ster|one|body|ate|ive)$"
)
