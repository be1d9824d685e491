"""User-facing words in Danish first, with English as the toggle: one table for pages and exports."""

from __future__ import annotations

LANGUAGES = ("da", "en")

TEXTS: dict[str, dict[str, str]] = {
    "site_title": {"da": "Ny form for velfærd – vidensgraf", "en": "A new form of welfare – knowledge graph"},
    "sparql_title": {"da": "Spørg grafen (SPARQL)", "en": "Query the graph (SPARQL)"},
    "sparql_intro": {
        "da": "Skriv en SPARQL-forespørgsel, eller vælg et eksempel. Resultatet vises nedenfor.",
        "en": "Write a SPARQL query or pick an example. The result appears below.",
    },
    "examples": {"da": "Eksempler", "en": "Examples"},
    "run": {"da": "Kør forespørgsel", "en": "Run query"},
    "permalink": {"da": "Permanent link", "en": "Permalink"},
    "download": {"da": "Hent som", "en": "Download as"},
    "results": {"da": "Resultat", "en": "Result"},
    "language_switch": {"da": "English", "en": "Dansk"},
    "error": {"da": "Fejl", "en": "Error"},
    "back": {"da": "Til kortet", "en": "To the map"},
    "did_you_mean": {"da": "Mente du:", "en": "Did you mean:"},
    "nav_map": {"da": "Kort", "en": "Map"},
    "nav_tour": {"da": "Gennemgang", "en": "Guided tour"},
    "nav_questions": {"da": "Refleksionsspørgsmål", "en": "Reflection questions"},
    "map_title": {"da": "Begrebskort", "en": "Concept map"},
    "search": {"da": "Søg i kurset", "en": "Search the course"},
    "search_button": {"da": "Søg", "en": "Search"},
    "filters": {"da": "Filtre", "en": "Filters"},
    "types": {"da": "Vis kun", "en": "Show only"},
    "text_or_author": {"da": "Tekst eller forfatter", "en": "Text or author"},
    "theme": {"da": "Tema", "en": "Theme"},
    "all": {"da": "Alle", "en": "All"},
    "depth": {"da": "Afstand fra fokus", "en": "Distance from focus"},
    "show": {"da": "Vis", "en": "Show"},
    "reset": {"da": "Hele kortet", "en": "Whole map"},
    "connect_title": {"da": "Hvordan hænger X og Y sammen?", "en": "How are X and Y connected?"},
    "from": {"da": "Fra", "en": "From"},
    "to": {"da": "Til", "en": "To"},
    "connect_button": {"da": "Find forbindelsen", "en": "Find the connection"},
    "path_title": {"da": "Fra spørgsmål til teori", "en": "From question to theory"},
    "connections": {"da": "Sådan hænger de sammen", "en": "How they connect"},
    "no_connection": {
        "da": "Der er ingen forbindelse mellem de to i kurset.",
        "en": "The course does not connect the two.",
    },
    "why": {"da": "Hvorfor", "en": "Why"},
    "source": {"da": "Kilde", "en": "Source"},
    "legend": {"da": "Forklaring", "en": "Legend"},
    "snapshots_title": {"da": "Gemte øjebliksbilleder", "en": "Saved snapshots"},
    "snapshots_intro": {
        "da": "Øjebliksbilleder gemt af underviserne med conceptgraph snapshot save.",
        "en": "Snapshots saved by the facilitators with conceptgraph snapshot save.",
    },
    "snapshots_none": {"da": "Der er ingen gemte øjebliksbilleder endnu.", "en": "There are no saved snapshots yet."},
    "live_view": {"da": "Se visningen live", "en": "See the view live"},
    "download_view": {"da": "Hent denne visning", "en": "Download this view"},
    "show_sparql": {
        "da": "Vis SPARQL-forespørgslen bag kortet",
        "en": "Show the SPARQL query behind the map",
    },
    "run_sparql": {"da": "Kør den i SPARQL", "en": "Run it in SPARQL"},
    "node_list": {"da": "Alt på kortet som liste", "en": "Everything on the map as a list"},
    "hidden": {
        "da": "Kortet viser {shown} af {total} elementer (de bedst forbundne). Søg, vælg et fokus eller filtrér for at se resten.",
        "en": "The map shows {shown} of {total} items (the best connected). Search, pick a focus or filter to see the rest.",
    },
    "map_help": {
        "da": "Tab til kortet, piletasterne går langs forbindelserne, Enter åbner detaljer, Escape lukker dem.",
        "en": "Tab to the map; arrow keys walk along the links, Enter opens details, Escape closes them.",
    },
    "map_label": {"da": "Begrebskort", "en": "Concept map"},
    "close": {"da": "Luk", "en": "Close"},
    "open_view": {"da": "Fold ud på kortet ({count} elementer)", "en": "Unfold on the map ({count} items)"},
    "overview_intro": {
        "da": "Overblik: kursets temaer, tekster og hver teksts vigtigste begreb. Klik på en tekst eller et tema "
        "for at folde det ud.",
        "en": "Overview: the course's themes, texts and each text's main concept. Click a text or a theme to "
        "unfold it.",
    },
    "whole_map": {"da": "Se hele kortet ({count} elementer)", "en": "See the whole map ({count} items)"},
    "open_page": {"da": "Åbn siden", "en": "Open the page"},
    "focus_here": {"da": "Fokusér her", "en": "Focus here"},
    "definition": {"da": "Definition", "en": "Definition"},
    "source_text": {"da": "Ordret fra dias", "en": "Verbatim from the slides"},
    "section": {"da": "Dias", "en": "Slide"},
    "from_text": {"da": "Fra teksten", "en": "From the text"},
    "by": {"da": "Af", "en": "By"},
    "note": {"da": "Redaktionel note", "en": "Editorial note"},
    "questions_title": {"da": "Refleksionsspørgsmålene", "en": "The reflection questions"},
    "questions_intro": {
        "da": "Alle spørgsmål i kursets rækkefølge med den teori, de bygger på, og hvorfor.",
        "en": "Every question in course order with the theory it builds on, and why.",
    },
    "addresses": {"da": "Bygger på", "en": "Builds on"},
    "see_path": {"da": "Se vejen til teorien på kortet", "en": "See the path to theory on the map"},
    "links_out": {"da": "Forbindelser herfra", "en": "Links from here"},
    "links_in": {"da": "Forbindelser hertil", "en": "Links to here"},
    "neighbourhood": {"da": "Nærmeste naboer", "en": "Nearest neighbours"},
    "as_rdf": {"da": "Som RDF", "en": "As RDF"},
    "columns": {"da": "Figur 20", "en": "Figure 20"},
    "rows": {"da": "rækker", "en": "rows"},
    "truncated": {"da": "Resultatet er afkortet", "en": "The result is truncated"},
    "editor_label": {"da": "SPARQL-forespørgsel", "en": "SPARQL query"},
    "store_failed": {
        "da": "SPARQL-serveren, der rummer data, kan ikke nås eller fejlede lige nu; prøv igen om et minut.",
        "en": "The SPARQL server that holds the data cannot be reached or failed just now; try again in a minute.",
    },
    "store_slow": {
        "da": "SPARQL-serveren, der rummer data, svarede ikke inden for tidsgrænsen; prøv igen om lidt.",
        "en": "The SPARQL server that holds the data did not answer within the time limit; try again shortly.",
    },
    "draw_timeout": {
        "da": "Tegningen af dette udsnit tog længere end grænsen på {seconds} s og blev stoppet. Vælg et mindre "
        "udsnit (et fokus med afstand 1, et tema, et filter) eller et format, der ikke er et billede.",
        "en": "Drawing this view took longer than the limit of {seconds} s and was stopped. Choose a smaller view "
        "(a focus with distance 1, a theme, a filter) or a format that is not a picture.",
    },
    "export_md_title": {"da": "Mine data i vidensgrafen", "en": "My data in the knowledge graph"},
    "export_md_name": {"da": "Navn", "en": "Name"},
    "export_md_cohort": {"da": "Hold", "en": "Cohort"},
    "export_md_role": {"da": "Rolle", "en": "Role"},
    "export_md_joined": {"da": "Oprettet", "en": "Joined"},
    "export_md_exported": {"da": "Eksporteret", "en": "Exported"},
    "export_md_reflections": {"da": "Mine refleksioner", "en": "My reflections"},
    "export_md_visibility": {"da": "Synlighed", "en": "Visibility"},
    "export_md_shared": {"da": "delt med holdet", "en": "shared with the cohort"},
    "export_md_private": {"da": "privat", "en": "private"},
    "export_md_written": {"da": "Skrevet", "en": "Written"},
    "export_md_changed": {"da": "ændret", "en": "changed"},
    "export_md_links": {"da": "Koblet til", "en": "Linked to"},
    "export_md_earlier": {"da": "Tidligere version", "en": "Earlier version"},
    "erase_title": {"da": "Slet min konto", "en": "Delete my account"},
    "erase_intro": {
        "da": "Når du sletter din konto, slettes dit navn, din adgangsfrase og alt, hvad du har skrevet – også "
        "tidligere versioner og de refleksioner, du har delt med holdet. Det kan ikke fortrydes.",
        "en": "Deleting your account deletes your name, your passphrase and everything you wrote – earlier "
        "versions and the reflections you shared with the cohort too. It cannot be undone.",
    },
    "erase_export_first": {"da": "Hent en kopi af dine data først", "en": "Download a copy of your data first"},
    "erase_button": {"da": "Slet min konto og alt, jeg har skrevet", "en": "Delete my account and all I wrote"},
    "erase_done_title": {"da": "Din konto er slettet", "en": "Your account is deleted"},
    "erase_done": {
        "da": "Din konto og alt, hvad du skrev, er slettet, og du er logget ud.",
        "en": "Your account and everything you wrote are deleted, and you are signed out.",
    },
    "erase_signed_out": {
        "da": "Du er ikke logget ind. Log ind for at se eller slette dine data.",
        "en": "You are not signed in. Sign in to see or delete your data.",
    },
    # ------------------------------------------------ error pages: what a mistyped link tells a participant
    "not_found_name": {
        "da": "Der findes ikke noget med navnet '{name}' i kurset.",
        "en": "There is nothing named '{name}' in the course.",
    },
    "not_found_param": {
        "da": "Der findes ikke noget med navnet '{name}' i kurset. Navnet stod i adressens parameter {param}.",
        "en": "There is nothing named '{name}' in the course. The name was in the address's parameter {param}.",
    },
    "no_match": {
        "da": "Intet i kurset passer til søgningen '{name}'.",
        "en": "Nothing in the course matches the search '{name}'.",
    },
    "bad_depth": {
        "da": "Parameteren depth skal være et helt tal fra 0 til {max}; adressen giver '{value}'.",
        "en": "The parameter depth must be a whole number from 0 to {max}; the address gives '{value}'.",
    },
    "bad_types": {
        "da": "Parameteren types kender ikke typen {value}. Kendte typer er: {known}.",
        "en": "The parameter types does not know the type {value}. The known types are: {known}.",
    },
    "bad_path": {
        "da": "Parameteren path skal være navnet på et refleksionsspørgsmål, men '{value}' er ikke et spørgsmål.",
        "en": "The parameter path must name a reflection question, but '{value}' is not a question.",
    },
    "bad_pair": {
        "da": "Parametrene from og to hører sammen: angiv begge to, ikke kun den ene.",
        "en": "The parameters from and to go together: give both, not just one.",
    },
    "unknown_format": {
        "da": "Der findes ikke noget eksportformat med navnet '{name}'. Formaterne er: {formats}.",
        "en": "There is no export format named '{name}'. The formats are: {formats}.",
    },
    "unknown_tour": {
        "da": "Der findes ingen gennemgang med navnet '{name}' i kurset.",
        "en": "There is no guided tour named '{name}' in the course.",
    },
    "bad_step": {
        "da": "Parameteren step skal være et trinnummer fra 1 til {last}; adressen giver '{value}'.",
        "en": "The parameter step must be a step number from 1 to {last}; the address gives '{value}'.",
    },
    "no_page": {
        "da": "Der findes ingen side på adressen {path}.",
        "en": "There is no page at the address {path}.",
    },
    "to_start": {"da": "Til forsiden", "en": "To the start page"},
    # ------------------------------------------------ the start page
    "start_intro": {
        "da": "Her kan du se kursets tekster, begreber og refleksionsspørgsmål som et kort og følge, hvordan spørgsmålene bygger på teorien.",
        "en": "Here you can see the course's texts, concepts and reflection questions as a map and follow how the questions build on the theory.",
    },
    "session_with": {"da": "med", "en": "with"},
    "guest": {"da": "Gæst", "en": "Guest"},
    "date": {"da": "Dato", "en": "Date"},
    "explore_map": {"da": "Udforsk kortet", "en": "Explore the map"},
    "follow_tour": {"da": "Følg dagens gennemgang", "en": "Follow the day's walkthrough"},
    "todays_questions": {"da": "Dagens refleksionsspørgsmål", "en": "The day's reflection questions"},
    "the_texts": {"da": "Teksterne", "en": "The texts"},
    "the_themes": {"da": "Temaerne", "en": "The themes"},
    "text_number": {"da": "Tekst {n}", "en": "Text {n}"},
    "see_on_map": {"da": "Se på kortet", "en": "See on the map"},
    "months": {
        "da": "januar februar marts april maj juni juli august september oktober november december",
        "en": "January February March April May June July August September October November December",
    },
    # ------------------------------------------------ guided tours
    "tour": {"da": "Gennemgang", "en": "Guided tour"},
    "step_of": {"da": "Trin {n} af {total}", "en": "Step {n} of {total}"},
    "previous": {"da": "Forrige", "en": "Previous"},
    "next": {"da": "Næste", "en": "Next"},
    "tour_keys": {
        "da": "Piletasterne ← og → går til forrige og næste trin.",
        "en": "The arrow keys ← and → go to the previous and next step.",
    },
    "open_step_map": {"da": "Åbn trinnets kort i fuld størrelse", "en": "Open this step's map full size"},
    "print_tour": {"da": "Hele gennemgangen til print", "en": "The whole tour for printing"},
    "tour_steps": {"da": "Trinene", "en": "The steps"},
    "step_map": {"da": "Kortet til trinnet", "en": "The map for this step"},
    "back_to_tour": {"da": "Tilbage til gennemgangen", "en": "Back to the tour"},
    "slide": {"da": "Dias", "en": "Slide"},
}

# The people's pages (join, sign-in, /me, writing, the facilitator's page): a block of their own,
# so those pages can grow without the rest of the table changing.
REFLECTION_TEXTS: dict[str, dict[str, str]] = {
    "nav_me": {"da": "Mine refleksioner", "en": "My reflections"},
    "nav_signin": {"da": "Log ind", "en": "Sign in"},
    "signout": {"da": "Log ud", "en": "Sign out"},
    "join_title": {"da": "Velkommen til {cohort}", "en": "Welcome to {cohort}"},
    "join_purpose": {
        "da": "Her kan du skrive dine refleksioner over kursets spørgsmål og knytte dem til teorien. "
        "Det, du skriver, er privat, indtil du selv vælger at dele det med dit hold. Underviserne på "
        "holdet kan kun se det, du deler.",
        "en": "Here you can write your reflections on the course's questions and link them to the theory. "
        "What you write is private until you choose to share it with your cohort. The cohort's "
        "facilitators see only what you share.",
    },
    "join_stored": {
        "da": "Vi gemmer: det navn, du vælger (det behøver ikke være dit rigtige navn), en krypteret "
        "udgave af din adgangsfrase, dine refleksioner med deres links og tidligere versioner, og hvornår "
        "de er skrevet. Ingen e-mail, ingen andre oplysninger. Du kan til enhver tid hente alt eller "
        "slette din konto og alt, du har skrevet. Når holdet er slut, sletter underviseren holdets data.",
        "en": "We store: the name you choose (it need not be your real name), a hashed form of your "
        "passphrase, your reflections with their links and earlier versions, and when they were written. "
        "No e-mail, nothing else. At any time you can download everything or delete your account and "
        "all you wrote. When the cohort ends, the facilitator deletes its data.",
    },
    "join_reset": {
        "da": "Vælg en ny adgangsfrase til kontoen {name}.",
        "en": "Choose a new passphrase for the account {name}.",
    },
    "join_role_facilitator": {
        "da": "Du bliver underviser på holdet og kan se alt, deltagerne deler.",
        "en": "You become a facilitator of the cohort and can see everything participants share.",
    },
    "join_button": {"da": "Opret og log ind", "en": "Create and sign in"},
    "reset_button": {"da": "Gem ny adgangsfrase og log ind", "en": "Save the new passphrase and sign in"},
    "join_invalid": {
        "da": "Dette invitationslink virker ikke: det er ukendt, allerede brugt eller udløbet. Bed din "
        "underviser om et nyt.",
        "en": "This invitation link does not work: it is unknown, already used or expired. Ask your "
        "facilitator for a new one.",
    },
    "display_name": {"da": "Visningsnavn", "en": "Display name"},
    "passphrase": {"da": "Adgangsfrase (mindst 8 tegn)", "en": "Passphrase (at least 8 characters)"},
    "passphrase_again": {"da": "Adgangsfrasen igen", "en": "The passphrase again"},
    "invalid_name": {
        "da": "Vælg et andet visningsnavn: det er optaget på holdet, tomt eller længere end 60 tegn.",
        "en": "Choose another display name: it is taken in the cohort, empty or longer than 60 characters.",
    },
    "invalid_passphrase": {
        "da": "Adgangsfrasen skal have mindst 8 tegn.",
        "en": "The passphrase needs at least 8 characters.",
    },
    "passphrase_mismatch": {
        "da": "De to adgangsfraser er ikke ens.",
        "en": "The two passphrases differ.",
    },
    "csrf_other_site": {
        "da": "Denne formular blev sendt fra et andet websted, så den blev afvist. Åbn selv siden her på "
        "stedet og log ind der.",
        "en": "This form was sent from another website, so it was refused. Open the page on this site "
        "yourself and sign in there.",
    },
    "signin_title": {"da": "Log ind", "en": "Sign in"},
    "cohort": {"da": "Hold (kort navn fra invitationen)", "en": "Cohort (short name from the invitation)"},
    "signin_button": {"da": "Log ind", "en": "Sign in"},
    "signin_failed": {
        "da": "Hold, navn eller adgangsfrase er forkert.",
        "en": "Cohort, name or passphrase is wrong.",
    },
    "signin_limited": {
        "da": "For mange forkerte forsøg. Prøv igen om {minutes} minut(ter).",
        "en": "Too many wrong attempts. Try again in {minutes} minute(s).",
    },
    "signin_forgot": {
        "da": "Glemt din adgangsfrase? Bed din underviser om et nyt invitationslink.",
        "en": "Forgot your passphrase? Ask your facilitator for a new invitation link.",
    },
    "cohort_closed": {
        "da": "Holdet er lukket: du kan læse, hente og slette, men ikke skrive.",
        "en": "The cohort is closed: you can read, download and delete, but not write.",
    },
    "me_title": {"da": "Mine refleksioner", "en": "My reflections"},
    "me_signed_in_as": {"da": "Logget ind som {name} på {cohort}", "en": "Signed in as {name} in {cohort}"},
    "me_unanswered": {"da": "Spørgsmål, du ikke har besvaret endnu", "en": "Questions you have not answered yet"},
    "me_none": {
        "da": "Du har ikke skrevet nogen refleksioner endnu.",
        "en": "You have not written any reflections yet.",
    },
    "me_export": {"da": "Hent alle mine data", "en": "Download all my data"},
    "me_delete": {"da": "Slet min konto og alt, jeg har skrevet", "en": "Delete my account and all I wrote"},
    "me_other": {"da": "Ikke knyttet til et spørgsmål", "en": "Not tied to a question"},
    "cohort_page": {"da": "Holdets side for underviseren", "en": "The cohort's page for the facilitator"},
    "reflect": {"da": "Skriv en refleksion", "en": "Write a reflection"},
    "reflect_title": {"da": "Din refleksion", "en": "Your reflection"},
    "reflect_text": {"da": "Din tekst", "en": "Your text"},
    "reflect_language": {"da": "Sprog", "en": "Language"},
    "reflect_links": {
        "da": "Hvilken teori trækker du på? Vælg og skriv én sætning om hvorfor.",
        "en": "Which theory do you draw on? Pick and write one sentence on why.",
    },
    "reflect_reason": {"da": "Hvorfor (én sætning)", "en": "Why (one sentence)"},
    "reflect_course_reason": {"da": "Kurset siger", "en": "The course says"},
    "visibility": {"da": "Hvem må se den?", "en": "Who may see it?"},
    "visibility_private": {"da": "Kun mig (privat)", "en": "Only me (private)"},
    "visibility_cohort": {"da": "Mit hold", "en": "My cohort"},
    "shared_badge": {"da": "delt med holdet", "en": "shared with the cohort"},
    "private_badge": {"da": "privat", "en": "private"},
    "save": {"da": "Gem", "en": "Save"},
    "save_anyway": {"da": "Gem alligevel", "en": "Save anyway"},
    "edit": {"da": "Redigér", "en": "Edit"},
    "delete": {"da": "Slet", "en": "Delete"},
    "warn_cpr": {
        "da": "Din tekst ser ud til at indeholde et CPR-nummer. Skriv aldrig CPR-numre eller andre "
        "personoplysninger om borgere eller kolleger. Ret teksten, eller gem alligevel, hvis det ikke er et "
        "CPR-nummer.",
        "en": "Your text seems to hold a CPR number. Never write CPR numbers or other personal data about "
        "citizens or colleagues. Edit the text, or save anyway if it is not a CPR number.",
    },
    "warn_phone": {
        "da": "Din tekst ser ud til at indeholde et telefonnummer. Ret teksten, eller gem alligevel, hvis "
        "det ikke er et telefonnummer.",
        "en": "Your text seems to hold a phone number. Edit the text, or save anyway if it is not a phone number.",
    },
    "invalid_text": {"da": "Skriv en tekst (højst 20.000 tegn).", "en": "Write a text (at most 20,000 characters)."},
    "invalid_links": {
        "da": "Skriv en grund (én sætning) for hvert valgt link.",
        "en": "Write a reason (one sentence) for each link you pick.",
    },
    "reflection_limit": {
        "da": "Du har nået grænsen på {limit} refleksioner pr. konto, så teksten herunder er ikke gemt. Slet en "
        "af dine ældre refleksioner under Mine refleksioner, og gem så igen.",
        "en": "You have reached the limit of {limit} reflections per account, so the text below is not saved. "
        "Delete one of your older reflections under My reflections, then save again.",
    },
    "storage_limit": {
        "da": "Dine refleksioner og deres tidligere udgaver fylder tilsammen så meget, at der ikke er plads til "
        "denne tekst inden for grænsen på {limit} pr. konto, så teksten herunder er ikke gemt. Tidligere udgaver "
        "slettes aldrig af sig selv: slet en refleksion, du ikke længere har brug for, under Mine refleksioner "
        "(dens tidligere udgaver slettes med den), og gem så igen.",
        "en": "Your reflections and their earlier versions together take so much room that this text does not fit "
        "within the limit of {limit} per account, so the text below is not saved. Earlier versions are never "
        "deleted on their own: delete a reflection you no longer need under My reflections (its earlier "
        "versions go with it), then save again.",
    },
    "version_conflict": {
        "da": "Refleksionen er ændret i mellemtiden (fx i et andet vindue). Genindlæs siden.",
        "en": "The reflection was changed meanwhile (in another window, say). Reload the page.",
    },
    "version_gone": {
        "da": "Refleksionen er slettet i mellemtiden (fx i et andet vindue), så der er ikke længere noget at "
        "ændre eller slette.",
        "en": "The reflection was deleted meanwhile (in another window, say), so there is nothing left to change "
        "or delete.",
    },
    "reflections_here": {"da": "Refleksioner", "en": "Reflections"},
    "reflections_count": {
        "da": "{mine} af dine og {shared} delt af holdet",
        "en": "{mine} of yours and {shared} shared by the cohort",
    },
    "yours": {"da": "din", "en": "yours"},
    "draws_on": {"da": "Trækker på", "en": "Draws on"},
    "facilitator_title": {"da": "Holdets refleksioner: {cohort}", "en": "The cohort's reflections: {cohort}"},
    "facilitator_intro": {
        "da": "Alt, deltagerne har delt med holdet, spørgsmål for spørgsmål. Navne vises kun, når du beder om det.",
        "en": "Everything participants shared with the cohort, question by question. Names show only when you ask.",
    },
    "show_names": {"da": "Vis navne", "en": "Show names"},
    "hide_names": {"da": "Skjul navne", "en": "Hide names"},
    "projector": {"da": "Projektor-visning (uden navne)", "en": "Projector mode (no names)"},
    "most_linked": {"da": "Det, holdet trækker mest på", "en": "What the cohort draws on most"},
    "nobody_answered": {"da": "Spørgsmål, som ingen har delt svar på", "en": "Questions nobody shared an answer to"},
    "export_markdown": {"da": "Handout (Markdown)", "en": "Handout (Markdown)"},
    "export_csv": {"da": "Regneark (CSV)", "en": "Spreadsheet (CSV)"},
    "my_reflections_on_path": {"da": "Mine refleksioner på spørgsmålet", "en": "My reflections on the question"},
    "none_on_path": {
        "da": "Du har ikke skrevet en refleksion her endnu.",
        "en": "You have not written a reflection here yet.",
    },
    "export_pdf": {"da": "Handout (PDF)", "en": "Handout (PDF)"},
    "export_jsonld": {"da": "Webannotationer (JSON-LD)", "en": "Web annotations (JSON-LD)"},
    "shared_count": {"da": "{count} delte", "en": "{count} shared"},
    "no_shared": {"da": "Ingen har delt noget endnu.", "en": "Nobody has shared anything yet."},
    "other_targets": {"da": "Andet end spørgsmål", "en": "Other than questions"},
    "times_linked": {"da": "{count} refleksion(er)", "en": "{count} reflection(s)"},
}
TEXTS.update(REFLECTION_TEXTS)


def translate(key: str, lang: str) -> str:
    """The text for `key` in `lang`."""
    return TEXTS[key][lang]
