"""Word lists and sentence templates the archive generator assembles news-like text from.

Plain data, no logic. French comes first: the archive is French with some English. Slots in
templates are ``{c}`` / ``{c2}`` (companies), ``{n}`` (a head count), ``{pct}``, ``{m}``
(millions), ``{p}`` (a product), ``{lieu}`` / ``{place}``, ``{q}`` / ``{qn}`` (quarter),
``{src}`` (the source), ``{year}``, ``{cpu}``, ``{tech}``, ``{domain}``.
"""

from __future__ import annotations


def _words(text: str) -> list[str]:
    """The whitespace-separated words of ``text``."""
    return text.split()


# --- frequent words, roughly in frequency order (the head of the Zipf distribution) -------

FUNCTION_FR = _words("""
de la le et les des en un une du à est pour que qui dans par sur au il a pas plus avec ne se
ce son sa ses aux elle ou on mais nous sont comme cette leur leurs ont été être fait tout aussi
entre après très sans encore même deux dont où ces si lui depuis avant bien selon peut doit
contre chez sous vers alors autres autre ainsi déjà moins tous toutes trois cas lors fois part
année années jour mois ans cela ils elles y était avait avoir faire non donc dès fin
""")

FUNCTION_EN = _words("""
the of and to a in that is for on with as by it at from this be are was has have an its will
said which or not more but their new also been were after about than into up they one over can
all who year would could other two three had he she we our out only most some such when
there these those so if what them while last first next may any each many much both since
""")

# --- content words (the body of the distribution) -------------------------------------------

CONTENT_FR = _words("""
entreprise entreprises société sociétés groupe marché marchés client clients produit produits
service services offre offres solution solutions données réseau réseaux logiciel logiciels
plateforme plateformes infrastructure infrastructures centre centres calcul performance
performances capacité capacités disque disques flash mémoire processeur processeurs puce puces
matériel stratégie croissance chiffre affaires bénéfice bénéfices perte pertes milliard
milliards million millions dollars euros hausse baisse trimestre exercice investissement
investissements investisseurs action actions bourse analyste analystes directeur président
directrice dirigeant dirigeants fondateur équipe équipes salarié emploi emplois effectifs
syndicat syndicats plan accord contrat partenaire partenaires concurrent concurrents
concurrence secteur industrie technologie technologies innovation recherche développement
version lancement annonce communiqué porte-parole sécurité attaque fuite vulnérabilité
sauvegarde archivage virtualisation conteneurs migration cloud hybride public privé souverain
européen européenne américain américaine français française mondial mondiale international
nouvelle nouveau nouveaux nouvelles grand grande grands grandes premier première dernier
dernière prochain prochaine important importante principal principale fort forte faible
rapide simple annoncé annoncer indique indiqué précise précisé explique expliqué affirme
déclare lance lancé propose proposé permet permettre devient reste compte prévoit prévu estime
estimé souligne confirme confirmé réduit réduire augmente augmenté renforcer développer
proposer vendre vendu acheter objectif objectifs activité activités division filiale filiales
siège usine usines site sites pays région régions ville gouvernement autorité autorités
commission régulateur juge tribunal procès brevet brevets licence licences prix tarif tarifs
coût coûts budget dépenses revenus marge marges trésorerie dette valorisation montant somme
opération opérations transaction fusion fusions cession cessions vente ventes achat commande
commandes livraison livraisons fournisseur fournisseurs distributeur intégrateur revendeur
utilisateur utilisateurs administrateur application applications charge charges baie baies
armoire châssis lame lames nœud nœuds cluster grappe contrôleur contrôleurs interface
protocole débit latence téraoctets pétaoctets gigaoctets bande passante fibre câble
refroidissement énergie consommation électricité efficacité environnement climat carbone
intelligence artificielle apprentissage modèle modèles algorithme calculateur supercalculateur
accélérateur accélérateurs graphique serveur stockage fichier fichiers objet objets bloc blocs
volume volumes instance instances machine machines virtuelle virtuelles logiciel libre source
ouvert ouverte code développeurs développeur communauté projet projets feuille route semestre
semaine semaines début milieu période moment étape phase temps retard difficulté difficultés
crise situation contexte tendance tendances demande demandes besoin besoins usage usages
adoption transformation numérique modernisation rationalisation économie économies dollar euro
chute recul progression augmentation diminution réduction restructuration réorganisation
départ départs embauche embauches recrutement recrutements indemnité indemnités négociation
négociations représentant représentants personnel travail travailleurs ingénieurs vendeurs
commerciaux cadres employés collaborateurs charge responsable responsables vice-président
conseil administration actionnaire actionnaires dividende rachats titre titres cours séance
""")

CONTENT_EN = _words("""
company companies group market markets customer customers product products service services
offering solution solutions data network networks software platform platforms infrastructure
center centers compute performance capacity disk disks flash memory processor processors chip
chips hardware strategy growth revenue revenues profit profits loss losses billion billions
million millions dollars euros increase decrease quarter fiscal investment investments
investors shares stock analyst analysts chief executive officer president founder team teams
employee employees jobs workforce union plan deal contract partner partners competitor
competitors competition sector industry technology technologies innovation research
development version launch announcement statement spokesperson security attack breach
vulnerability backup archive virtualization containers migration cloud hybrid public private
sovereign european american global international latest major leading key strong weak fast
announced says said told expects expected reported reports confirmed plans planned launched
offers provides helps enables becomes remains estimates estimated reduce reduced increased
grow build sell sold buy bought target targets business businesses division unit subsidiary
headquarters factory plant site sites country region regions government regulator regulators
commission court lawsuit patent patents license licenses price prices cost costs budget
spending income margin margins cash debt valuation amount transaction merger mergers
divestiture sale sales purchase order orders shipment shipments supplier suppliers distributor
integrator reseller user users administrator application applications workload workloads
array arrays rack chassis blade blades node nodes cluster controller controllers interface
protocol throughput latency terabytes petabytes gigabytes bandwidth fiber cooling energy power
consumption efficiency environment climate carbon artificial intelligence machine learning
model models algorithm supercomputer accelerator accelerators graphics server file files
object objects block blocks volume volumes instance instances virtual open source code
developers developer community project projects roadmap half week weeks beginning middle
period stage phase time delay difficulties crisis situation context trend trends demand needs
usage adoption transformation digital modernization economy savings drop decline rise
reduction restructuring reorganization departure departures hiring recruitment severance
negotiations representatives staff engineers salespeople managers executives board directors
shareholder shareholders dividend buyback trading session analysts outlook guidance
""")

# Words a search benchmark looks for. They are placed at middle ranks of the Zipf list, so
# they also turn up outside the articles about their topic, but not everywhere.
KEYWORDS_FR = _words("""
licenciement licenciements licencié licenciés licencier suppression suppressions poste postes
acquisition acquisitions rachat rachète racheter stockage serveurs
""")

KEYWORDS_EN = _words("""
layoffs layoff laid acquisition acquisitions acquire acquires storage servers
""")

# --- pseudo-words for the long tail ----------------------------------------------------------

SYLLABLES_FR = _words("""
ba bé bi bo ca ci co cou da dé di do fa fé fi fo ga gé gi go la lé li lo lu ma mé mi mo mu na
né ni no pa pé pi po pu ra ré ri ro ru sa sé si so su ta té ti to tu va vé vi vo
""")
SUFFIXES_FR = _words("tion ment ité age eur ique aire ence ance isme iste oir ure elle ette al")
SYLLABLES_EN = _words("""
ba be bi bo bu ca co cu da de di do fa fe fi fo ga ge go ha he hi ho la le li lo lu ma me mi
mo mu na ne ni no pa pe pi po ra re ri ro ru sa se si so ta te ti to va ve vi wa we wi
""")
SUFFIXES_EN = _words("tion ment ity ing er ic ness able ive ous al ism ist ure ance ence")

# --- names ---------------------------------------------------------------------------------

COMPANY_SYLLABLES = _words("""
ar bel cor da el fi gra hel ix jo ka lu mer nor o pra qui ro sa tel u vi wex xa yo zen tri
ven lum cas ter mon ax ne pyr so tav qua rel dyn vor sil kel bri
""")
COMPANY_SUFFIXES = (
    "",
    "",
    "",
    " Systems",
    " Technologies",
    " Networks",
    " Data",
    " Software",
    " Group",
    " SA",
    " Inc.",
    " Storage",
    " Cloud",
    " Labs",
    " Computing",
    " Solutions",
)
PRODUCT_HEADS = _words("Green Blue Data Store Flash Nimble Power Prime Cloud Hyper Nova Apex Pure")
PRODUCT_TAILS = _words("Lake Vault Stack Array Edge Scale Core Grid Max Flow Point Sphere Line")

SOURCE_PATTERNS_FR = (
    "Le Journal du {x}",
    "La Lettre du {x}",
    "{x} Magazine",
    "Le Monde du {x}",
    "La Revue du {x}",
    "{x} Hebdo",
    "L'Informé du {x}",
)
SOURCE_TOPICS_FR = (
    "Stockage",
    "Cloud",
    "Numérique",
    "Réseau",
    "Datacenter",
    "Logiciel",
    "Serveur",
    "Silicium",
)
SOURCE_PATTERNS_EN = ("{x} Weekly", "The {x} Register", "{x} Review", "{x} & Files", "{x} Today")
SOURCE_TOPICS_EN = ("Storage", "Cloud", "Server", "Data Center", "Silicon", "Block", "Network")

PLACES_FR = (
    "aux États-Unis",
    "en France",
    "en Europe",
    "en Allemagne",
    "au Royaume-Uni",
    "en Inde",
    "au Canada",
    "en Irlande",
    "en Israël",
    "à Grenoble",
    "à Sophia Antipolis",
    "en Asie",
)
PLACES_EN = (
    "in the US",
    "in Europe",
    "in France",
    "in Germany",
    "in the UK",
    "in India",
    "in Canada",
    "in Ireland",
    "in Israel",
    "in Asia",
    "in California",
    "in Texas",
)
CPUS = ("Xeon", "Epyc", "Arm", "Ampere", "Power10", "Grace")
TECHS_FR = ("100 % flash", "NVMe", "hybride", "objet", "à haute densité", "QLC")
DOMAINS_FR = ("stockage", "cloud hybride", "calcul intensif", "réseau", "sauvegarde")
DOMAINS_EN = ("storage", "hybrid cloud", "HPC", "networking", "backup", "AI infrastructure")
QUARTERS_FR = ("premier", "deuxième", "troisième", "quatrième")

GENERAL_TAGS = (
    "Europe",
    "États-Unis",
    "France",
    "IA",
    "HPC",
    "open source",
    "GreenLake",
    "NVMe",
    "hyperconvergence",
    "datacenter",
    "souveraineté",
    "Kubernetes",
    "sauvegarde",
    "bourse",
    "emploi",
    "semi-conducteurs",
    "réseau",
    "logiciel",
)

# --- topics: keywords, tags, titles, lead sentences, headings --------------------------------

TOPICS = {
    "layoffs": {
        "weight": 15,
        "kw_fr": _words(
            "licenciements licenciement licenciés suppression postes suppressions effectifs "
            "plan social salariés restructuration"
        ),
        "kw_en": _words(
            "layoffs layoff jobs workforce cuts employees laid restructuring severance"
        ),
        "tags": ["licenciements", "restructuration", "emploi"],
        "titles_fr": [
            "{c} supprime {n} postes {lieu}",
            "{c} annonce {n} licenciements {lieu}",
            "Plan de licenciement chez {c} : {n} postes menacés",
            "{c} se sépare de {pct} % de ses effectifs",
            "Nouvelle vague de suppressions de postes chez {c}",
        ],
        "titles_en": [
            "{c} lays off {n} employees {place}",
            "{c} cuts {pct}% of its workforce",
            "Layoffs hit {c} as revenue falls",
            "{c} to eliminate {n} jobs in restructuring",
        ],
        "leads_fr": [
            "{c} a annoncé la suppression de {n} postes, soit environ {pct} % de ses effectifs.",
            "Les salariés licenciés recevront une indemnité selon le plan présenté aux syndicats.",
            "Ces licenciements touchent surtout les équipes des serveurs et du stockage.",
            "Selon {src}, les suppressions de postes touchent d'abord les fonctions commerciales.",
        ],
        "leads_en": [
            "{c} said it will lay off {n} employees, about {pct}% of its workforce.",
            "The layoffs mainly affect the server and storage teams.",
            "According to {src}, the job cuts hit sales and marketing first.",
        ],
        "headings_fr": ["Un plan social", "Les équipes concernées", "La réaction des syndicats"],
        "headings_en": ["Who is affected", "Restructuring plan"],
    },
    "acquisition": {
        "weight": 15,
        "kw_fr": _words(
            "acquisition rachat rachète opération montant fusion racheter acquisitions transaction"
        ),
        "kw_en": _words("acquisition acquire acquires deal merger transaction acquisitions buy"),
        "tags": ["acquisition", "rachat", "fusion"],
        "titles_fr": [
            "{c} rachète {c2} pour {m} millions de dollars",
            "Acquisition : {c} met la main sur {c2}",
            "{c} finalise le rachat de {c2}",
            "{c} annonce l'acquisition de {c2}",
        ],
        "titles_en": [
            "{c} to acquire {c2} for ${m} million",
            "{c} completes acquisition of {c2}",
            "{c} buys {c2} to bolster its {domain} portfolio",
        ],
        "leads_fr": [
            "{c} a confirmé l'acquisition de {c2} pour un montant de {m} millions de dollars.",
            "Ce rachat doit renforcer son offre de stockage et de serveurs.",
            "L'opération devrait être finalisée au {q} trimestre, sous réserve des autorités.",
        ],
        "leads_en": [
            "{c} confirmed the acquisition of {c2} for {m} million dollars.",
            "The deal is expected to close in Q{qn}, subject to regulatory approval.",
        ],
        "headings_fr": ["Les termes de l'opération", "Une consolidation du marché"],
        "headings_en": ["Deal terms", "Market consolidation"],
    },
    "storage": {
        "weight": 20,
        "kw_fr": _words(
            "stockage baie baies flash disques téraoctets sauvegarde objet NVMe capacité données"
        ),
        "kw_en": _words("storage array arrays flash drives terabytes backup object NVMe capacity"),
        "tags": ["stockage", "flash", "sauvegarde"],
        "titles_fr": [
            "{c} lance {p}, sa nouvelle baie de stockage {tech}",
            "Stockage : {c} renouvelle sa gamme {p}",
            "{c} dévoile {p} pour le stockage objet",
        ],
        "titles_en": [
            "{c} unveils {p} all-flash storage array",
            "{c} refreshes {p} storage line",
            "{c} launches {p} for object storage",
        ],
        "leads_fr": [
            "La baie {p} offre jusqu'à {n} téraoctets de stockage {tech} par châssis.",
            "{c} promet une latence réduite et une capacité de stockage doublée.",
        ],
        "leads_en": [
            "The {p} array scales to {n} terabytes of flash storage per chassis.",
            "{c} claims lower latency and twice the storage capacity.",
        ],
        "headings_fr": ["Caractéristiques techniques", "Prix et disponibilité"],
        "headings_en": ["Specifications", "Pricing and availability"],
    },
    "servers": {
        "weight": 10,
        "kw_fr": _words(
            "serveurs serveur processeurs centre données calcul lames refroidissement nœuds"
        ),
        "kw_en": _words("servers server processors data center compute blades cooling nodes"),
        "tags": ["serveurs", "datacenter", "HPC"],
        "titles_fr": [
            "{c} présente ses nouveaux serveurs {p}",
            "Serveurs : {c} mise sur les processeurs {cpu}",
            "{c} ouvre un centre de données {lieu}",
        ],
        "titles_en": [
            "{c} debuts {p} servers with {cpu} processors",
            "{c} opens new data center {place}",
        ],
        "leads_fr": [
            "Les serveurs {p} embarquent des processeurs {cpu} et jusqu'à {n} Go de mémoire.",
            "Le nouveau centre de données de {c} {lieu} accueillera {n} serveurs.",
        ],
        "leads_en": [
            "The {p} servers ship with {cpu} processors and up to {n} GB of memory.",
            "The new {c} data center {place} will host {n} servers.",
        ],
        "headings_fr": ["Les processeurs", "Un centre de données"],
        "headings_en": ["Processors", "Data center"],
    },
    "cloud": {
        "weight": 12,
        "kw_fr": _words(
            "cloud hybride souverain instances service abonnement conteneurs migration"
        ),
        "kw_en": _words(
            "cloud hybrid sovereign instances service subscription containers migration"
        ),
        "tags": ["cloud", "cloud hybride", "souveraineté"],
        "titles_fr": [
            "{c} étend son offre cloud {p} {lieu}",
            "{c} lance un service de cloud souverain",
            "Cloud hybride : {c} s'appuie sur {p}",
        ],
        "titles_en": [
            "{c} expands {p} cloud service {place}",
            "{c} bets on hybrid cloud with {p}",
        ],
        "leads_fr": [
            "Le service {p} est proposé sur abonnement, facturé à l'usage.",
            "{c} veut convaincre les clients européens avec un cloud souverain.",
        ],
        "leads_en": [
            "The {p} service is sold as a subscription, billed on usage.",
            "{c} is courting European customers with a sovereign cloud.",
        ],
        "headings_fr": ["Une offre à l'usage", "La concurrence des hyperscalers"],
        "headings_en": ["Pay per use", "Hyperscaler competition"],
    },
    "results": {
        "weight": 12,
        "kw_fr": _words(
            "résultats chiffre affaires trimestre hausse baisse bénéfice marge prévisions"
        ),
        "kw_en": _words("results revenue quarter growth decline profit margin guidance earnings"),
        "tags": ["résultats", "finances", "bourse"],
        "titles_fr": [
            "{c} publie un chiffre d'affaires en hausse de {pct} %",
            "Résultats : {c} déçoit au {q} trimestre",
            "{c} relève ses prévisions annuelles",
        ],
        "titles_en": [
            "{c} reports {pct}% revenue growth in Q{qn}",
            "{c} misses expectations in fiscal Q{qn}",
        ],
        "leads_fr": [
            "Le chiffre d'affaires de {c} atteint {m} millions de dollars au {q} trimestre.",
            "La marge brute recule de {pct} points sur un an.",
        ],
        "leads_en": [
            "{c} posted revenue of {m} million dollars in Q{qn}.",
            "Gross margin fell {pct} points year on year.",
        ],
        "headings_fr": ["Les chiffres du trimestre", "Perspectives"],
        "headings_en": ["Quarterly numbers", "Outlook"],
    },
    "security": {
        "weight": 8,
        "kw_fr": _words(
            "cyberattaque rançongiciel faille vulnérabilité fuite données correctif sécurité"
        ),
        "kw_en": _words("ransomware breach vulnerability flaw patch attack leak security"),
        "tags": ["cybersécurité", "rançongiciel", "vulnérabilité"],
        "titles_fr": [
            "{c} victime d'une cyberattaque",
            "Rançongiciel : {c} confirme une fuite de données",
            "{c} corrige une faille critique dans {p}",
        ],
        "titles_en": [
            "{c} hit by ransomware attack",
            "{c} patches critical flaw in {p}",
        ],
        "leads_fr": [
            "{c} a confirmé une intrusion dans ses systèmes d'information.",
            "Un correctif pour {p} est disponible depuis le {n2} du mois.",
        ],
        "leads_en": [
            "{c} confirmed an intrusion into its systems.",
            "A patch for {p} has been available since the {n2}th.",
        ],
        "headings_fr": ["Ce que l'on sait", "Les recommandations"],
        "headings_en": ["What we know", "Recommendations"],
    },
    "partnership": {
        "weight": 8,
        "kw_fr": _words(
            "partenariat accord alliance intégration certification distributeur partenaires"
        ),
        "kw_en": _words(
            "partnership agreement alliance integration certification reseller partners"
        ),
        "tags": ["partenariat", "distribution"],
        "titles_fr": [
            "{c} et {c2} signent un partenariat stratégique",
            "{c} s'allie à {c2} dans le {domain}",
        ],
        "titles_en": [
            "{c} partners with {c2} on {domain}",
            "{c} and {c2} sign distribution agreement",
        ],
        "leads_fr": [
            "L'accord entre {c} et {c2} porte sur l'intégration de {p}.",
            "Les deux sociétés proposeront une offre commune dès le {q} trimestre.",
        ],
        "leads_en": [
            "The agreement between {c} and {c2} covers the integration of {p}.",
            "The two companies will sell a joint offering from Q{qn}.",
        ],
        "headings_fr": ["Une offre commune", "Le contexte"],
        "headings_en": ["Joint offering", "Background"],
    },
}

GENERIC_FR = (
    "Selon {src}, {c} compte environ {n} salariés dans le monde.",
    "Le marché du stockage a progressé de {pct} % en {year}, selon les analystes.",
    "{c} n'a pas souhaité commenter ces informations.",
    "L'action {c} a reculé de {pct} % lors de la séance qui a suivi l'annonce.",
    "Les clients existants ne seront pas concernés avant le {q} trimestre.",
)
GENERIC_EN = (
    "According to {src}, {c} employs about {n} people worldwide.",
    "The storage market grew {pct}% in {year}, analysts said.",
    "{c} declined to comment.",
    "{c} shares fell {pct}% after the announcement.",
)
