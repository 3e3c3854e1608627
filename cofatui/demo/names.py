"""Word lists that make demo companies look like they come from their country.

One ``CountryProfile`` per country: how its companies are named (patterns over family
names or brand words, activities in the local language and legal forms), its cities
with their region and postal-code pattern, street templates and phone patterns.

Countries written in another script carry the local form after a ``|`` in every list
the local name is built from (``"Volga|Волга"``); their ``local_patterns`` line up with
``patterns``, so the Latin and local names always say the same thing.

Pattern mini-language: ``{w}`` ``{w2}`` words, ``{a}`` activity, ``{f}`` legal form,
``{c}`` city; in postal codes and phone numbers ``#`` is a digit and ``@`` a letter.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class CountryProfile:
    code: str
    weight: float
    words: tuple[str, ...]
    activities: tuple[str, ...]
    forms: tuple[str, ...]
    patterns: tuple[str, ...]
    #: (city, region, postal-code pattern)
    cities: tuple[tuple[str, str, str], ...]
    streets: tuple[str, ...]
    street_templates: tuple[str, ...]
    phones: tuple[str, ...]
    local_patterns: tuple[str, ...] = ()


def _t(text: str) -> tuple[str, ...]:
    """Split a ``;``-separated list (keeps the tables below readable)."""
    return tuple(item.strip() for item in text.split(";") if item.strip())


def _cities(text: str) -> tuple[tuple[str, str, str], ...]:
    rows = []
    for item in _t(text):
        city, region, postal = (part.strip() for part in item.split("/"))
        rows.append((city, region, postal))
    return tuple(rows)


PROFILES: tuple[CountryProfile, ...] = (
    CountryProfile(
        "FRA", 30,
        _t("Martin; Bernard; Dubois; Thomas; Robert; Richard; Petit; Durand; Leroy; Moreau;"
           "Simon; Laurent; Lefèvre; Michel; Garcia; David; Bertrand; Roux; Vincent; Fournier;"
           "Morel; Girard; André; Mercier; Dupont; Lambert; Bonnet; François; Legrand; Garnier;"
           "Faure; Rousseau; Blanc; Guérin; Muller; Henry; Perrin; Morin; Mathieu; Clément;"
           "Gauthier; Dumont; Fontaine; Chevalier; Robin; Masson; Sanchez; Noël; Lemaire;"
           "Atlantique; Provence; Armor; Loire; Rhône; Azur; Horizon; Avenir; Océane;"
           "Normandie; Alpes; Méditerranée; Vendée; Gascogne; Sologne; Cévennes; Jura"),
        _t("Transports; Logistique; Bâtiment; Distribution; Industrie; Négoce; Emballages;"
           "Métallurgie; Plasturgie; Services; Informatique; Conseil; Agroalimentaire;"
           "Menuiserie; Électricité; Imprimerie; Textiles; Pharma; Vins et Spiritueux;"
           "Matériaux; Mécanique; Froid Industriel; Chaussures; Cosmétiques; Carrosserie;"
           "Travaux Publics; Équipements; Papeterie; Fromageries; Quincaillerie"),
        _t("SAS; SARL; SA; SASU; EURL; SNC"),
        _t("{w} {a} {f}; {a} {w} {f}; Établissements {w}; {w} et Fils {f}; {w} & {w2} {f};"
           "{a} de {c} {f}; Groupe {w}; {w} {a}"),
        _cities("Paris/Île-de-France/750##; Lyon/Auvergne-Rhône-Alpes/6900#;"
                "Marseille/Provence-Alpes-Côte d'Azur/130##; Toulouse/Occitanie/310##;"
                "Nice/Provence-Alpes-Côte d'Azur/06###; Nantes/Pays de la Loire/44###;"
                "Strasbourg/Grand Est/670##; Montpellier/Occitanie/340##;"
                "Bordeaux/Nouvelle-Aquitaine/330##; Lille/Hauts-de-France/590##;"
                "Rennes/Bretagne/350##; Reims/Grand Est/51###; Le Havre/Normandie/766##;"
                "Saint-Étienne/Auvergne-Rhône-Alpes/420##; Toulon/Provence-Alpes-Côte d'Azur/83###;"
                "Grenoble/Auvergne-Rhône-Alpes/380##; Dijon/Bourgogne-Franche-Comté/210##;"
                "Angers/Pays de la Loire/490##; Nîmes/Occitanie/300##;"
                "Clermont-Ferrand/Auvergne-Rhône-Alpes/630##; Le Mans/Pays de la Loire/720##;"
                "Aix-en-Provence/Provence-Alpes-Côte d'Azur/13###; Brest/Bretagne/292##;"
                "Tours/Centre-Val de Loire/370##; Amiens/Hauts-de-France/800##;"
                "Limoges/Nouvelle-Aquitaine/870##; Annecy/Auvergne-Rhône-Alpes/740##;"
                "Perpignan/Occitanie/660##; Metz/Grand Est/570##;"
                "Besançon/Bourgogne-Franche-Comté/250##; Orléans/Centre-Val de Loire/450##;"
                "Rouen/Normandie/760##; Caen/Normandie/140##; Nancy/Grand Est/540##;"
                "Rungis/Île-de-France/94150; Nanterre/Île-de-France/92000;"
                "Roissy-en-France/Île-de-France/95700; Boulogne-Billancourt/Île-de-France/92100;"
                "Mulhouse/Grand Est/68###; Cholet/Pays de la Loire/49300;"
                "Villeurbanne/Auvergne-Rhône-Alpes/69100; Valence/Auvergne-Rhône-Alpes/26000"),
        _t("de la République; Victor Hugo; Jean Jaurès; de la Gare; du Général de Gaulle;"
           "Pasteur; de l'Industrie; des Artisans; de Verdun; Gambetta; Émile Zola;"
           "des Frères Lumière; de la Liberté; du Port; des Acacias; Voltaire;"
           "de Paris; Foch; Clemenceau; du Moulin"),
        _t("{n} rue {s}; {n} avenue {s}; {n} boulevard {s}; {n} bis rue {s};"
           "ZI {s}, {n} allée {s}; {n} place {s}; {n} quai {s}"),
        _t("+33 1 ## ## ## ##; +33 2 ## ## ## ##; +33 3 ## ## ## ##; +33 4 ## ## ## ##;"
           "+33 5 ## ## ## ##"),
    ),
    CountryProfile(
        "DEU", 9,
        _t("Müller; Schmidt; Schneider; Fischer; Weber; Meyer; Wagner; Becker; Schulz;"
           "Hoffmann; Koch; Richter; Klein; Wolf; Schröder; Neumann; Schwarz; Braun;"
           "Zimmermann; Krüger; Hartmann; Lange; Werner; Krause; Lehmann; Köhler; Maier;"
           "Nord; Rhein; Alpen; Elbe; Donau; Hansa; Bavaria; Spree; Weser; Saar; Ostsee"),
        _t("Logistik; Maschinenbau; Bau; Handel; Metallbau; Elektrotechnik; Spedition;"
           "Kunststofftechnik; Verpackung; Automobiltechnik; Lebensmittel; Möbelwerk;"
           "Stahlhandel; Antriebstechnik; Druckerei; Software; Feinmechanik; Bäckerei;"
           "Haustechnik; Landtechnik; Medizintechnik; Textilwerk"),
        _t("GmbH; AG; GmbH & Co. KG; KG; OHG; SE"),
        _t("{w} {a} {f}; {w} {f}; {w} & {w2} {f}; {a} {w} {f}; {w}-{a} {f}; {a} {c} {f}"),
        _cities("Berlin/Berlin/1####; Hamburg/Hamburg/2####; München/Bayern/80###;"
                "Köln/Nordrhein-Westfalen/50###; Frankfurt am Main/Hessen/60###;"
                "Stuttgart/Baden-Württemberg/70###; Düsseldorf/Nordrhein-Westfalen/40###;"
                "Dortmund/Nordrhein-Westfalen/44###; Essen/Nordrhein-Westfalen/45###;"
                "Leipzig/Sachsen/04###; Bremen/Bremen/28###; Dresden/Sachsen/01###;"
                "Hannover/Niedersachsen/30###; Nürnberg/Bayern/90###;"
                "Duisburg/Nordrhein-Westfalen/47###; Bielefeld/Nordrhein-Westfalen/33###;"
                "Bonn/Nordrhein-Westfalen/53###; Mannheim/Baden-Württemberg/68###;"
                "Karlsruhe/Baden-Württemberg/76###; Augsburg/Bayern/86###;"
                "Wiesbaden/Hessen/65###; Kiel/Schleswig-Holstein/24###;"
                "Magdeburg/Sachsen-Anhalt/39###; Erfurt/Thüringen/99###;"
                "Mainz/Rheinland-Pfalz/55###; Rostock/Mecklenburg-Vorpommern/18###;"
                "Saarbrücken/Saarland/66###; Potsdam/Brandenburg/14###;"
                "Ulm/Baden-Württemberg/89###; Wolfsburg/Niedersachsen/38###"),
        _t("Hauptstraße; Bahnhofstraße; Industriestraße; Goethestraße; Lindenallee;"
           "Am Hafen; Gewerbering; Kantstraße; Schillerweg; Mühlenweg; Gartenstraße;"
           "Friedrichstraße; Hafenstraße; Europaallee; Im Gewerbepark"),
        _t("{s} {n}"),
        _t("+49 30 #######; +49 40 #######; +49 89 #######; +49 221 ######;"
           "+49 69 #######; +49 711 ######"),
    ),
    CountryProfile(
        "ITA", 7,
        _t("Rossi; Russo; Ferrari; Esposito; Bianchi; Romano; Colombo; Ricci; Marino;"
           "Greco; Bruno; Gallo; Conti; De Luca; Mancini; Costa; Giordano; Rizzo; Lombardi;"
           "Moretti; Barbieri; Fontana; Santoro; Mariani; Rinaldi; Caruso; Ferrara;"
           "Adriatica; Tirrena; Padana; Alpina; Lagunare; Etrusca"),
        _t("Trasporti; Logistica; Costruzioni; Meccanica; Alimentari; Tessile; Arredamenti;"
           "Imballaggi; Ceramiche; Impianti; Elettronica; Distribuzione; Calzature;"
           "Vini; Plastica; Acciai; Informatica; Servizi"),
        _t("S.r.l.; S.p.A.; S.a.s.; S.n.c.; S.r.l.s."),
        _t("{w} {a} {f}; {a} {w} {f}; {w} & {w2} {f}; F.lli {w} {f}; {a} {c} {f}"),
        _cities("Milano/Lombardia/201##; Roma/Lazio/001##; Torino/Piemonte/101##;"
                "Napoli/Campania/801##; Bologna/Emilia-Romagna/401##; Firenze/Toscana/501##;"
                "Genova/Liguria/161##; Venezia/Veneto/301##; Verona/Veneto/371##;"
                "Bari/Puglia/701##; Palermo/Sicilia/901##; Brescia/Lombardia/251##;"
                "Bergamo/Lombardia/241##; Modena/Emilia-Romagna/411##; Padova/Veneto/351##;"
                "Prato/Toscana/59100; Parma/Emilia-Romagna/431##; Vicenza/Veneto/361##"),
        _t("Roma; Garibaldi; Mazzini; Cavour; Dante; Verdi; dell'Industria; Marconi;"
           "della Repubblica; XX Settembre; dei Mille; Nazionale"),
        _t("Via {s} {n}; Viale {s} {n}; Corso {s} {n}; Piazza {s} {n}"),
        _t("+39 02 ########; +39 06 ########; +39 011 #######; +39 051 #######"),
    ),
    CountryProfile(
        "ESP", 6,
        _t("García; Fernández; González; Rodríguez; López; Martínez; Sánchez; Pérez;"
           "Gómez; Martín; Jiménez; Ruiz; Hernández; Díaz; Moreno; Álvarez; Muñoz; Romero;"
           "Navarro; Torres; Domínguez; Vázquez; Ibérica; Levante; Cantábrica; Mediterránea;"
           "Castellana; Atlántica"),
        _t("Transportes; Logística; Construcciones; Alimentación; Distribuciones;"
           "Metalúrgica; Textil; Cerámicas; Envases; Instalaciones; Maquinaria; Vinos;"
           "Aceites; Muebles; Componentes; Suministros Industriales"),
        _t("S.L.; S.A.; S.L.U.; S.Coop."),
        _t("{a} {w} {f}; {w} {a} {f}; {w} y {w2} {f}; {a} de {c} {f}; Grupo {w} {f}"),
        _cities("Madrid/Comunidad de Madrid/280##; Barcelona/Cataluña/080##;"
                "Valencia/Comunidad Valenciana/460##; Sevilla/Andalucía/410##;"
                "Zaragoza/Aragón/500##; Málaga/Andalucía/290##; Murcia/Región de Murcia/300##;"
                "Bilbao/País Vasco/480##; Alicante/Comunidad Valenciana/030##;"
                "Valladolid/Castilla y León/470##; Vigo/Galicia/362##; Gijón/Asturias/332##;"
                "A Coruña/Galicia/150##; Pamplona/Navarra/310##; Córdoba/Andalucía/140##"),
        _t("Mayor; de Alcalá; Gran Vía; del Mar; de la Industria; de Andalucía; Real;"
           "del Sol; de la Constitución; de Cervantes; Diagonal; de la Estación"),
        _t("Calle {s}, {n}; Avenida {s}, {n}; Paseo {s}, {n}; Polígono Industrial {s}, nave {n}"),
        _t("+34 91 ### ## ##; +34 93 ### ## ##; +34 96 ### ## ##; +34 95 ### ## ##"),
    ),
    CountryProfile(
        "BEL", 4,
        _t("Peeters; Janssens; Maes; Jacobs; Mertens; Willems; Claes; Goossens; Wouters;"
           "De Smet; Dubois; Lambert; Dupont; Martin; Leclercq; Vermeulen; Van Damme;"
           "Brabant; Flandria; Meuse; Ardenne; Escaut"),
        _t("Transport; Logistics; Bouw; Construction; Chocolaterie; Brasserie; Diamonds;"
           "Métal; Textiel; Food; Distribution; Chemicals; Trading"),
        _t("NV; BV; SA; SRL; SC"),
        _t("{w} {a} {f}; {a} {w} {f}; {w} & {w2} {f}; {w} {f}"),
        _cities("Bruxelles/Bruxelles-Capitale/10##; Antwerpen/Vlaanderen/20##;"
                "Gent/Vlaanderen/90##; Charleroi/Wallonie/60##; Liège/Wallonie/40##;"
                "Brugge/Vlaanderen/80##; Namur/Wallonie/50##; Leuven/Vlaanderen/3000;"
                "Mons/Wallonie/7000; Mechelen/Vlaanderen/2800; Kortrijk/Vlaanderen/8500"),
        _t("Louise; de la Loi; Kerkstraat; Stationsstraat; Industrieweg; Nieuwstraat;"
           "du Commerce; Meir; Havenlaan; des Arts"),
        _t("{s} {n}; Rue {s} {n}; Avenue {s} {n}"),
        _t("+32 2 ### ## ##; +32 3 ### ## ##; +32 9 ### ## ##; +32 4 ### ## ##"),
    ),
    CountryProfile(
        "NLD", 4,
        _t("De Jong; Jansen; De Vries; Van den Berg; Van Dijk; Bakker; Janssen; Visser;"
           "Smit; Meijer; De Boer; Mulder; De Groot; Bos; Vos; Peters; Hendriks;"
           "Holland; Delta; Zeeland; Noord; Oranje; Rijn; Polder"),
        _t("Transport; Logistiek; Bouw; Techniek; Handel; Installatie; Metaal; Bloemen;"
           "Zuivel; Verpakkingen; Machines; Groothandel; Software"),
        _t("B.V.; N.V.; V.O.F.; C.V."),
        _t("{w} {a} {f}; {a} {w} {f}; {w} & {w2} {f}; {w} {a}"),
        _cities("Amsterdam/Noord-Holland/10## @@; Rotterdam/Zuid-Holland/30## @@;"
                "Den Haag/Zuid-Holland/25## @@; Utrecht/Utrecht/35## @@;"
                "Eindhoven/Noord-Brabant/56## @@; Groningen/Groningen/97## @@;"
                "Tilburg/Noord-Brabant/50## @@; Breda/Noord-Brabant/48## @@;"
                "Nijmegen/Gelderland/65## @@; Venlo/Limburg/59## @@; Almere/Flevoland/13## @@"),
        _t("Hoofdweg; Kerkstraat; Industrieweg; Havenstraat; Stationsplein; Dorpsstraat;"
           "Keizersgracht; Marconistraat; Europaweg"),
        _t("{s} {n}"),
        _t("+31 20 ### ####; +31 10 ### ####; +31 30 ### ####; +31 40 ### ####"),
    ),
    CountryProfile(
        "GBR", 5,
        _t("Smith; Jones; Taylor; Brown; Williams; Wilson; Johnson; Davies; Robinson;"
           "Wright; Thompson; Evans; Walker; White; Roberts; Green; Hall; Wood; Jackson;"
           "Clarke; Albion; Britannia; Thames; Pennine; Severn; Mercia; Wessex; Highland"),
        _t("Logistics; Haulage; Engineering; Construction; Foods; Trading; Packaging;"
           "Textiles; Electronics; Plastics; Building Supplies; Distribution; Brewing;"
           "Components; Software; Steel"),
        _t("Ltd; PLC; LLP; Limited"),
        _t("{w} {a} {f}; {w} & {w2} {f}; {w} and Sons {f}; {a} {w} {f}; {c} {a} {f}"),
        _cities("London/Greater London/EC# #@@; Manchester/Greater Manchester/M# #@@;"
                "Birmingham/West Midlands/B# #@@; Leeds/West Yorkshire/LS# #@@;"
                "Glasgow/Scotland/G# #@@; Liverpool/Merseyside/L# #@@;"
                "Bristol/South West/BS# #@@; Sheffield/South Yorkshire/S# #@@;"
                "Edinburgh/Scotland/EH# #@@; Cardiff/Wales/CF# #@@;"
                "Nottingham/East Midlands/NG# #@@; Southampton/South East/SO# #@@;"
                "Newcastle upon Tyne/North East/NE# #@@; Belfast/Northern Ireland/BT# #@@;"
                "Leicester/East Midlands/LE# #@@; Coventry/West Midlands/CV# #@@"),
        _t("High Street; Station Road; Church Lane; Victoria Road; Mill Lane; King Street;"
           "Queens Road; Park Avenue; Industrial Estate; Commercial Road; Bridge Street"),
        _t("{n} {s}; Unit {n}, {s}"),
        _t("+44 20 #### ####; +44 161 ### ####; +44 121 ### ####; +44 113 ### ####"),
    ),
    CountryProfile(
        "USA", 5,
        _t("Johnson; Miller; Davis; Anderson; Jackson; Harris; Clark; Lewis; Walker;"
           "Young; Allen; King; Scott; Baker; Adams; Nelson; Carter; Mitchell; Parker;"
           "Liberty; Pioneer; Summit; Frontier; Eagle; Pacific; Atlantic; Keystone;"
           "Great Lakes; Lone Star; Golden Gate; Redwood"),
        _t("Logistics; Industries; Manufacturing; Foods; Supply; Distribution;"
           "Technologies; Holdings; Materials; Packaging; Freight; Systems; Brands;"
           "Medical Devices; Equipment; Trading"),
        _t("Inc.; LLC; Corp.; Co.; L.P."),
        _t("{w} {a} {f}; {w} & {w2} {f}; {a} of {c} {f}; {w} {f}"),
        _cities("New York/NY/100##; Los Angeles/CA/900##; Chicago/IL/606##;"
                "Houston/TX/770##; Phoenix/AZ/850##; Philadelphia/PA/191##;"
                "San Antonio/TX/782##; San Diego/CA/921##; Dallas/TX/752##;"
                "Atlanta/GA/303##; Miami/FL/331##; Seattle/WA/981##; Denver/CO/802##;"
                "Boston/MA/021##; Detroit/MI/482##; Minneapolis/MN/554##;"
                "Charlotte/NC/282##; Columbus/OH/432##; Nashville/TN/372##; Newark/NJ/071##"),
        _t("Main Street; Oak Avenue; Park Avenue; Industrial Parkway; Commerce Drive;"
           "Broadway; Elm Street; Washington Boulevard; Market Street; Lakeview Road"),
        _t("{n} {s}; {n} {s}, Suite {n}"),
        _t("+1 212 ### ####; +1 312 ### ####; +1 713 ### ####; +1 305 ### ####;"
           "+1 415 ### ####"),
    ),
    CountryProfile(
        "CHE", 2,
        _t("Müller; Meier; Schmid; Keller; Weber; Huber; Schneider; Meyer; Steiner;"
           "Fischer; Gerber; Brunner; Baumann; Favre; Rochat; Bernasconi; Helvetia;"
           "Alpina; Léman; Jura; Gotthard; Matterhorn"),
        _t("Präzision; Uhren; Maschinen; Logistik; Pharma; Chocolats; Handel; Bau;"
           "Technique; Industrie; Medtech"),
        _t("AG; GmbH; SA; Sàrl"),
        _t("{w} {a} {f}; {w} {f}; {a} {w} {f}; {w} & {w2} {f}"),
        _cities("Zürich/Zürich/80##; Genève/Genève/12##; Basel/Basel-Stadt/40##;"
                "Lausanne/Vaud/10##; Bern/Bern/30##; Winterthur/Zürich/84##;"
                "Luzern/Luzern/60##; St. Gallen/St. Gallen/90##; Lugano/Ticino/69##"),
        _t("Bahnhofstrasse; Rue du Rhône; Industriestrasse; Seestrasse; Avenue de la Gare;"
           "Hauptstrasse; Via Cantonale"),
        _t("{s} {n}"),
        _t("+41 44 ### ## ##; +41 22 ### ## ##; +41 61 ### ## ##"),
    ),
    CountryProfile(
        "AUT", 2,
        _t("Gruber; Huber; Bauer; Wagner; Müller; Pichler; Steiner; Moser; Mayer;"
           "Hofer; Leitner; Berger; Fuchs; Eder; Donau; Tirol; Alpen; Wienerwald"),
        _t("Bau; Holzindustrie; Logistik; Maschinenbau; Handel; Stahl; Lebensmittel;"
           "Elektro; Transporte"),
        _t("GmbH; AG; KG; OG"),
        _t("{w} {a} {f}; {w} {f}; {w} & {w2} {f}"),
        _cities("Wien/Wien/1###; Graz/Steiermark/80##; Linz/Oberösterreich/40##;"
                "Salzburg/Salzburg/50##; Innsbruck/Tirol/60##; Klagenfurt/Kärnten/90##"),
        _t("Hauptstraße; Mariahilfer Straße; Industriestraße; Bahnhofstraße; Ringstraße"),
        _t("{s} {n}"),
        _t("+43 1 ### ## ##; +43 316 ######; +43 732 ######"),
    ),
    CountryProfile(
        "PRT", 2,
        _t("Silva; Santos; Ferreira; Pereira; Oliveira; Costa; Rodrigues; Martins;"
           "Sousa; Fernandes; Gonçalves; Lusitana; Atlântico; Douro; Tejo; Minho"),
        _t("Transportes; Construções; Têxteis; Calçado; Cortiças; Vinhos; Metalúrgica;"
           "Comércio; Distribuição"),
        _t("Lda.; S.A.; Unipessoal Lda."),
        _t("{w} {a} {f}; {a} {w} {f}; {w} & {w2} {f}"),
        _cities("Lisboa/Lisboa/1###-###; Porto/Porto/4###-###; Braga/Braga/47##-###;"
                "Coimbra/Coimbra/30##-###; Aveiro/Aveiro/38##-###; Faro/Faro/80##-###"),
        _t("da Liberdade; de Camões; da República; do Comércio; Infante D. Henrique"),
        _t("Rua {s}, {n}; Avenida {s}, {n}"),
        _t("+351 21 ### ####; +351 22 ### ####"),
    ),
    CountryProfile(
        "POL", 2,
        _t("Nowak; Kowalski; Wiśniewski; Wójcik; Kowalczyk; Kamiński; Lewandowski;"
           "Zieliński; Szymański; Woźniak; Dąbrowski; Polmet; Wisła; Mazowsze; Bałtyk"),
        _t("Transport; Budownictwo; Logistyka; Meble; Handel; Metal; Spożywcze; Instal"),
        _t("Sp. z o.o.; S.A.; Sp.k.; Sp.j."),
        _t("{w} {a} {f}; {a} {w} {f}; {w} i {w2} {f}"),
        _cities("Warszawa/Mazowieckie/0#-###; Kraków/Małopolskie/3#-###;"
                "Łódź/Łódzkie/9#-###; Wrocław/Dolnośląskie/5#-###;"
                "Poznań/Wielkopolskie/6#-###; Gdańsk/Pomorskie/80-###;"
                "Katowice/Śląskie/40-###"),
        _t("Marszałkowska; Długa; Przemysłowa; Kościuszki; Mickiewicza; Piłsudskiego"),
        _t("ul. {s} {n}"),
        _t("+48 22 ### ## ##; +48 12 ### ## ##; +48 61 ### ## ##"),
    ),
    CountryProfile(
        "SWE", 1.2,
        _t("Andersson; Johansson; Karlsson; Nilsson; Eriksson; Larsson; Olsson;"
           "Persson; Svensson; Norrland; Vänern; Skandia; Göta"),
        _t("Logistik; Bygg; Trä; Stål; Verkstad; Handel; Livsmedel; Teknik"),
        _t("AB; HB; KB"),
        _t("{w} {a} {f}; {w} & {w2} {f}; {a} {w} {f}"),
        _cities("Stockholm/Stockholms län/1## ##; Göteborg/Västra Götaland/4## ##;"
                "Malmö/Skåne/2## ##; Uppsala/Uppsala län/75# ##; Västerås/Västmanland/72# ##"),
        _t("Storgatan; Drottninggatan; Industrivägen; Kungsgatan; Hamngatan"),
        _t("{s} {n}"),
        _t("+46 8 ### ### ##; +46 31 ### ## ##; +46 40 ### ## ##"),
    ),
    CountryProfile(
        "DNK", 1,
        _t("Jensen; Nielsen; Hansen; Pedersen; Andersen; Christensen; Larsen; Sørensen;"
           "Nordsø; Jylland; Øresund; Fyn"),
        _t("Transport; Byg; Maskiner; Handel; Fødevarer; Møbler; Teknik"),
        _t("ApS; A/S; I/S"),
        _t("{w} {a} {f}; {w} & {w2} {f}"),
        _cities("København/Hovedstaden/1###; Aarhus/Midtjylland/8000; Odense/Syddanmark/5000;"
                "Aalborg/Nordjylland/9000; Esbjerg/Syddanmark/6700"),
        _t("Vestergade; Nørregade; Industrivej; Havnegade; Strandvejen"),
        _t("{s} {n}"),
        _t("+45 ## ## ## ##"),
    ),
    CountryProfile(
        "FIN", 0.8,
        _t("Korhonen; Virtanen; Mäkinen; Nieminen; Mäkelä; Hämäläinen; Laine; Suomi;"
           "Botnia; Lappi; Saimaa"),
        _t("Kuljetus; Rakennus; Puu; Metalli; Kauppa; Tekniikka; Paperi"),
        _t("Oy; Oyj; Ky"),
        _t("{w} {a} {f}; {a} {w} {f}"),
        _cities("Helsinki/Uusimaa/00###; Espoo/Uusimaa/02###; Tampere/Pirkanmaa/33###;"
                "Turku/Varsinais-Suomi/20###; Oulu/Pohjois-Pohjanmaa/90###"),
        _t("Mannerheimintie; Teollisuuskatu; Satamakatu; Hämeenkatu"),
        _t("{s} {n}"),
        _t("+358 9 ### ####; +358 3 ### ####"),
    ),
    CountryProfile(
        "NOR", 0.8,
        _t("Hansen; Johansen; Olsen; Larsen; Andersen; Pedersen; Nilsen; Fjord; Nordkapp;"
           "Viking; Bergen"),
        _t("Shipping; Fisk; Bygg; Transport; Handel; Offshore; Teknikk"),
        _t("AS; ASA; ANS"),
        _t("{w} {a} {f}; {a} {w} {f}"),
        _cities("Oslo/Oslo/0###; Bergen/Vestland/5###; Trondheim/Trøndelag/7###;"
                "Stavanger/Rogaland/40##; Tromsø/Troms/90##"),
        _t("Storgata; Kongens gate; Industriveien; Havnegata; Bryggen"),
        _t("{s} {n}"),
        _t("+47 ## ## ## ##"),
    ),
    CountryProfile(
        "IRL", 0.8,
        _t("Murphy; Kelly; O'Sullivan; Walsh; O'Brien; Byrne; Ryan; O'Connor; Doyle;"
           "Celtic; Shannon; Liffey; Emerald"),
        _t("Foods; Logistics; Pharma; Construction; Software; Dairies; Engineering"),
        _t("Ltd; DAC; PLC; Unlimited Company"),
        _t("{w} {a} {f}; {w} & {w2} {f}"),
        _cities("Dublin/Leinster/D## @@##; Cork/Munster/T## @@##; Galway/Connacht/H91 @@##;"
                "Limerick/Munster/V94 @@##; Waterford/Munster/X91 @@##"),
        _t("O'Connell Street; Main Street; Harbour Road; Business Park; Grafton Street"),
        _t("{n} {s}; Unit {n}, {s}"),
        _t("+353 1 ### ####; +353 21 ### ####"),
    ),
    CountryProfile(
        "CZE", 1,
        _t("Novák; Svoboda; Novotný; Dvořák; Černý; Procházka; Kučera; Veselý; Bohemia;"
           "Morava; Vltava; Labe"),
        _t("Strojírny; Stavby; Doprava; Obchod; Sklárny; Potraviny; Elektro"),
        _t("s.r.o.; a.s.; v.o.s."),
        _t("{w} {a} {f}; {a} {w} {f}"),
        _cities("Praha/Hlavní město Praha/1## ##; Brno/Jihomoravský kraj/6## ##;"
                "Ostrava/Moravskoslezský kraj/7## ##; Plzeň/Plzeňský kraj/3## ##"),
        _t("Národní; Vodičkova; Průmyslová; Masarykova; Nádražní"),
        _t("{s} {n}"),
        _t("+420 2## ### ###; +420 5## ### ###"),
    ),
    CountryProfile(
        "HUN", 0.7,
        _t("Nagy; Kovács; Tóth; Szabó; Horváth; Varga; Kiss; Molnár; Duna; Tisza; Balaton;"
           "Pannon"),
        _t("Szállítmányozás; Építőipari; Kereskedelmi; Gépipari; Élelmiszer; Logisztika"),
        _t("Kft.; Zrt.; Nyrt.; Bt."),
        _t("{w} {a} {f}; {a} {w} {f}"),
        _cities("Budapest/Közép-Magyarország/1###; Debrecen/Hajdú-Bihar/40##;"
                "Szeged/Csongrád-Csanád/67##; Győr/Győr-Moson-Sopron/90##"),
        _t("Andrássy út; Fő utca; Ipari park; Váci út; Kossuth Lajos utca"),
        _t("{s} {n}."),
        _t("+36 1 ### ####; +36 52 ### ###"),
    ),
    CountryProfile(
        "ROU", 0.8,
        _t("Popescu; Ionescu; Popa; Dumitru; Stan; Stoica; Gheorghe; Matei; Carpați;"
           "Dunărea; Transilvania; Dacia"),
        _t("Transport; Construcții; Logistică; Comerț; Mobilă; Agro; Metal"),
        _t("S.R.L.; S.A."),
        _t("{w} {a} {f}; {a} {w} {f}"),
        _cities("București/București/0#####; Cluj-Napoca/Cluj/400###;"
                "Timișoara/Timiș/300###; Iași/Iași/700###; Constanța/Constanța/900###"),
        _t("Victoriei; Unirii; Industriilor; Republicii; Mihai Viteazu"),
        _t("Str. {s} nr. {n}; Bd. {s} nr. {n}"),
        _t("+40 21 ### ####; +40 264 ### ###"),
    ),
    CountryProfile(
        "GRC", 0.7,
        _t("Papadopoulos|Παπαδόπουλος; Georgiou|Γεωργίου; Nikolaou|Νικολάου;"
           "Dimitriou|Δημητρίου; Ioannou|Ιωάννου; Aegean|Αιγαίο; Olympos|Όλυμπος;"
           "Hellas|Ελλάς; Athina|Αθηνά"),
        _t("Shipping|Ναυτιλιακή; Trading|Εμπορική; Foods|Τρόφιμα;"
           "Construction|Κατασκευαστική; Logistics|Εφοδιαστική"),
        _t("S.A.|Α.Ε.; Ltd|Ε.Π.Ε.; I.K.E.|Ι.Κ.Ε."),
        _t("{w} {a} {f}; {a} {w} {f}"),
        _cities("Athina|Αθήνα/Attiki/1## ##; Thessaloniki|Θεσσαλονίκη/Kentriki Makedonia/5## ##;"
                "Piraeus|Πειραιάς/Attiki/185 ##; Patra|Πάτρα/Dytiki Ellada/26# ##;"
                "Irakleio|Ηράκλειο/Kriti/71# ##"),
        _t("Syngrou; Kifisias; Vasilissis Sofias; Egnatia; Akti Miaouli"),
        _t("{s} {n}"),
        _t("+30 21 #### ####; +30 2310 ######"),
        _t("{w} {a} {f}; {a} {w} {f}"),
    ),
    CountryProfile(
        "TUR", 1.2,
        _t("Yılmaz; Kaya; Demir; Şahin; Çelik; Yıldız; Yıldırım; Öztürk; Aydın; Özdemir;"
           "Anadolu; Marmara; Ege; Boğaziçi; Toros"),
        _t("Tekstil; İnşaat; Lojistik; Gıda; Otomotiv; Makina; Ticaret; Ambalaj; Mobilya"),
        _t("A.Ş.; Ltd. Şti."),
        _t("{w} {a} {f}; {a} {w} {f}; {w} {a} San. ve Tic. {f}"),
        _cities("İstanbul/Marmara/34###; Ankara/İç Anadolu/06###; İzmir/Ege/35###;"
                "Bursa/Marmara/16###; Antalya/Akdeniz/07###; Kocaeli/Marmara/41###;"
                "Gaziantep/Güneydoğu Anadolu/27###"),
        _t("Atatürk Caddesi; İstiklal Caddesi; Organize Sanayi Bölgesi; Cumhuriyet Caddesi"),
        _t("{s} No: {n}"),
        _t("+90 212 ### ## ##; +90 312 ### ## ##; +90 232 ### ## ##"),
    ),
    CountryProfile(
        "RUS", 1,
        _t("Volga|Волга; Ural|Урал; Sibir|Сибирь; Baltika|Балтика; Neva|Нева;"
           "Severstal|Северсталь; Tekhnoprom|Технопром; Stroymash|Строймаш;"
           "Ivanov|Иванов; Smirnov|Смирнов; Kuznetsov|Кузнецов; Sokolov|Соколов;"
           "Zvezda|Звезда; Avangard|Авангард; Rassvet|Рассвет"),
        _t("Trans|Транс; Stroy|Строй; Torg|Торг; Metall|Металл; Agro|Агро; Les|Лес;"
           "Snab|Снаб; Khim|Хим; Energo|Энерго"),
        _t("OOO|ООО; AO|АО; PAO|ПАО"),
        _t("{w} {a} {f}; {w}{a} {f}"),
        _cities("Moskva|Москва/Moskva/1#####;"
                "Sankt-Peterburg|Санкт-Петербург/Sankt-Peterburg/19####;"
                "Novosibirsk|Новосибирск/Novosibirskaya oblast/630###;"
                "Yekaterinburg|Екатеринбург/Sverdlovskaya oblast/620###;"
                "Kazan|Казань/Tatarstan/420###; Nizhny Novgorod|Нижний Новгород/"
                "Nizhegorodskaya oblast/603###; Samara|Самара/Samarskaya oblast/443###"),
        _t("ul. Tverskaya; Leninsky prospekt; ul. Promyshlennaya; Nevsky prospekt;"
           "ul. Lenina; ul. Sadovaya"),
        _t("{s}, d. {n}"),
        _t("+7 495 ### ## ##; +7 812 ### ## ##; +7 383 ### ## ##"),
        _t("{f} «{w} {a}»; {f} «{w}{a}»"),
    ),
    CountryProfile(
        "CHN", 2.5,
        _t("Huaxin|华信; Zhongtai|中泰; Hengda|恒达; Jinlong|金龙; Tianhe|天和;"
           "Xinghai|星海; Changcheng|长城; Dongfang|东方; Hongxing|红星; Ruifeng|瑞丰;"
           "Baoli|宝利; Yongsheng|永盛; Kaiyuan|开元; Fuxing|复兴; Minghua|明华"),
        _t("Trading|贸易; Electronics|电子; Textile|纺织; Machinery|机械; Logistics|物流;"
           "Chemical|化工; Industrial|实业; Technology|科技; Packaging|包装; Furniture|家具"),
        _t("Co., Ltd.|有限公司; Group Co., Ltd.|集团有限公司"),
        _t("{c} {w} {a} {f}; {w} {a} {f}"),
        _cities("Shanghai|上海/Shanghai/200###; Beijing|北京/Beijing/100###;"
                "Shenzhen|深圳/Guangdong/518###; Guangzhou|广州/Guangdong/510###;"
                "Hangzhou|杭州/Zhejiang/310###; Suzhou|苏州/Jiangsu/215###;"
                "Ningbo|宁波/Zhejiang/315###; Qingdao|青岛/Shandong/266###;"
                "Tianjin|天津/Tianjin/300###; Xiamen|厦门/Fujian/361###;"
                "Dongguan|东莞/Guangdong/523###; Chengdu|成都/Sichuan/610###"),
        _t("Nanjing Road; Jiefang Road; Zhongshan Road; Renmin Road; Industrial Park Road;"
           "Hi-Tech Avenue"),
        _t("No. {n} {s}"),
        _t("+86 21 #### ####; +86 10 #### ####; +86 755 #### ####"),
        _t("{c}{w}{a}{f}; {w}{a}{f}"),
    ),
    CountryProfile(
        "JPN", 1,
        _t("Yamada|山田; Suzuki|鈴木; Takahashi|高橋; Tanaka|田中; Watanabe|渡辺;"
           "Nakamura|中村; Kobayashi|小林; Fuji|富士; Sakura|桜; Taiyo|太陽; Nippon|日本"),
        _t("Shoji|商事; Kogyo|工業; Denki|電機; Seiki|精機; Butsuryu|物流; Kasei|化成"),
        _t("K.K.|株式会社; G.K.|合同会社"),
        _t("{w} {a} {f}"),
        _cities("Tokyo|東京/Tokyo/1##-####; Osaka|大阪/Osaka/5##-####;"
                "Nagoya|名古屋/Aichi/4##-####; Yokohama|横浜/Kanagawa/2##-####;"
                "Fukuoka|福岡/Fukuoka/8##-####; Kobe|神戸/Hyogo/65#-####"),
        _t("Marunouchi; Nihonbashi; Umeda; Sakae; Minatomirai"),
        _t("{n}-{n} {s}"),
        _t("+81 3 #### ####; +81 6 #### ####"),
        _t("{f}{w}{a}"),
    ),
    CountryProfile(
        "KOR", 0.8,
        _t("Hanil|한일; Daehan|대한; Samjin|삼진; Dongyang|동양; Hyundai|현대; Sejin|세진;"
           "Kumho|금호; Shinhan|신한"),
        _t("Trading|무역; Industrial|산업; Electronics|전자; Logistics|물류; Steel|철강;"
           "Chemical|화학"),
        _t("Co., Ltd.|주식회사"),
        _t("{w} {a} {f}"),
        _cities("Seoul|서울/Seoul/0####; Busan|부산/Busan/4####; Incheon|인천/Incheon/2####;"
                "Daegu|대구/Daegu/4####; Ulsan|울산/Ulsan/4####"),
        _t("Teheran-ro; Sejong-daero; Gangnam-daero; Haeundae-ro"),
        _t("{n} {s}"),
        _t("+82 2 #### ####; +82 51 ### ####"),
        _t("{f} {w}{a}"),
    ),
    CountryProfile(
        "BRA", 1,
        _t("Silva; Santos; Oliveira; Souza; Lima; Pereira; Carvalho; Almeida; Ribeiro;"
           "Paulista; Amazonas; Cruzeiro; Tropical; Atlântica"),
        _t("Transportes; Alimentos; Construtora; Comércio; Têxtil; Metalúrgica;"
           "Agropecuária; Distribuidora; Logística"),
        _t("Ltda.; S.A.; EIRELI"),
        _t("{w} {a} {f}; {a} {w} {f}"),
        _cities("São Paulo/SP/0####-###; Rio de Janeiro/RJ/2####-###;"
                "Belo Horizonte/MG/3####-###; Curitiba/PR/8####-###;"
                "Porto Alegre/RS/9####-###; Salvador/BA/4####-###; Manaus/AM/69###-###"),
        _t("Avenida Paulista; Rua Augusta; Avenida Brasil; Rua XV de Novembro;"
           "Rodovia Anhanguera"),
        _t("{s}, {n}"),
        _t("+55 11 ####-####; +55 21 ####-####"),
    ),
    CountryProfile(
        "MEX", 0.8,
        _t("Hernández; García; Martínez; López; González; Rodríguez; Azteca; Maya;"
           "Sierra Madre; Pacífico; Bajío"),
        _t("Transportes; Alimentos; Construcciones; Comercializadora; Autopartes;"
           "Aceros; Plásticos"),
        _t("S.A. de C.V.; S. de R.L. de C.V."),
        _t("{a} {w} {f}; {w} {a} {f}"),
        _cities("Ciudad de México/CDMX/0####; Guadalajara/Jalisco/44###;"
                "Monterrey/Nuevo León/64###; Puebla/Puebla/72###; Querétaro/Querétaro/76###;"
                "Tijuana/Baja California/22###"),
        _t("Paseo de la Reforma; Avenida Insurgentes; Avenida Juárez; Calzada Industrial"),
        _t("{s} {n}"),
        _t("+52 55 #### ####; +52 33 #### ####; +52 81 #### ####"),
    ),
    CountryProfile(
        "CAN", 1,
        _t("Tremblay; Gagnon; Roy; Côté; Bouchard; Smith; Brown; Wilson; MacDonald;"
           "Maple; Laurentian; Northern; Prairie; Cascade; Boréal"),
        _t("Logistics; Lumber; Foods; Mining Supplies; Industries; Distribution;"
           "Transport; Technologies"),
        _t("Inc.; Ltd.; Ltée; Corp."),
        _t("{w} {a} {f}; {w} & {w2} {f}; {a} {w} {f}"),
        _cities("Toronto/ON/M#@ #@#; Montréal/QC/H#@ #@#; Vancouver/BC/V#@ #@#;"
                "Calgary/AB/T#@ #@#; Ottawa/ON/K#@ #@#; Québec/QC/G#@ #@#;"
                "Winnipeg/MB/R#@ #@#"),
        _t("Yonge Street; Rue Sainte-Catherine; Bay Street; Boulevard René-Lévesque;"
           "Industrial Road"),
        _t("{n} {s}"),
        _t("+1 416 ### ####; +1 514 ### ####; +1 604 ### ####"),
    ),
    CountryProfile(
        "AUS", 0.8,
        _t("Smith; Jones; Williams; Brown; Wilson; Taylor; Southern Cross; Outback;"
           "Coral; Harbour; Pacific; Eucalypt"),
        _t("Logistics; Mining Services; Foods; Wines; Construction; Trading; Freight"),
        _t("Pty Ltd; Ltd"),
        _t("{w} {a} {f}; {w} & {w2} {f}"),
        _cities("Sydney/NSW/2###; Melbourne/VIC/3###; Brisbane/QLD/4###; Perth/WA/6###;"
                "Adelaide/SA/5###"),
        _t("George Street; Collins Street; Queen Street; Industrial Drive; Harbour Road"),
        _t("{n} {s}"),
        _t("+61 2 #### ####; +61 3 #### ####"),
    ),
    CountryProfile(
        "MAR", 1.2,
        _t("Alaoui; Bennani; El Idrissi; Tazi; Benjelloun; Berrada; Chraibi; Atlas;"
           "Maghreb; Sahara; Rif; Souss"),
        _t("Transports; Négoce; Textile; Agro; Bâtiment; Import Export; Distribution"),
        _t("SARL; SA; SARL AU"),
        _t("{w} {a} {f}; {a} {w} {f}; Société {w} {f}"),
        _cities("Casablanca/Casablanca-Settat/20###; Rabat/Rabat-Salé-Kénitra/10###;"
                "Tanger/Tanger-Tétouan-Al Hoceïma/90###; Marrakech/Marrakech-Safi/40###;"
                "Agadir/Souss-Massa/80###; Fès/Fès-Meknès/30###"),
        _t("Mohammed V; Hassan II; Zerktouni; des FAR; Abdelmoumen"),
        _t("{n} boulevard {s}; {n} avenue {s}; Lot {n}, zone industrielle {s}"),
        _t("+212 522 ## ## ##; +212 537 ## ## ##"),
    ),
    CountryProfile(
        "TUN", 0.8,
        _t("Ben Ali; Trabelsi; Gharbi; Hammami; Jebali; Mansour; Carthage; Medina;"
           "Cap Bon; Sahel"),
        _t("Textile; Agroalimentaire; Négoce; Transports; Huilerie; Industries"),
        _t("SARL; SA; SUARL"),
        _t("{w} {a} {f}; {a} {w} {f}"),
        _cities("Tunis/Tunis/10##; Sfax/Sfax/30##; Sousse/Sousse/40##; Bizerte/Bizerte/70##"),
        _t("Habib Bourguiba; de la Liberté; de Carthage; Mohamed V"),
        _t("{n} avenue {s}; {n} rue {s}"),
        _t("+216 71 ### ###; +216 74 ### ###"),
    ),
    CountryProfile(
        "SGP", 0.5,
        _t("Tan; Lim; Lee; Ng; Wong; Lion City; Merlion; Straits; Orchid; Marina"),
        _t("Trading; Logistics; Shipping; Electronics; Holdings; Engineering"),
        _t("Pte. Ltd.; Ltd."),
        _t("{w} {a} {f}"),
        _cities("Singapore/Central Region/0#####; Singapore/West Region/6#####;"
                "Singapore/East Region/4#####"),
        _t("Raffles Place; Orchard Road; Jurong Port Road; Tuas Avenue; Changi Business Park"),
        _t("{n} {s}"),
        _t("+65 6### ####"),
    ),
    CountryProfile(
        "IND", 0.8,
        _t("Sharma; Patel; Gupta; Singh; Reddy; Mehta; Iyer; Kapoor; Shree; Ganga;"
           "Bharat; Deccan; Himalaya"),
        _t("Textiles; Pharmaceuticals; Exports; Engineering; Steel; Software; Chemicals"),
        _t("Pvt. Ltd.; Ltd."),
        _t("{w} {a} {f}; {w} & {w2} {a} {f}"),
        _cities("Mumbai/Maharashtra/400###; New Delhi/Delhi/110###;"
                "Bengaluru/Karnataka/560###; Chennai/Tamil Nadu/600###;"
                "Ahmedabad/Gujarat/380###; Pune/Maharashtra/411###"),
        _t("MG Road; Nariman Point; Industrial Area Phase II; Anna Salai; Ring Road"),
        _t("{n} {s}"),
        _t("+91 22 #### ####; +91 11 #### ####"),
    ),
    CountryProfile(
        "ARE", 0.6,
        _t("Al Futtaim|الفطيم; Al Mansoori|المنصوري; Emirates|الإمارات; Gulf|الخليج;"
           "Al Noor|النور; Falcon|الصقر"),
        _t("Trading|للتجارة; General Trading|للتجارة العامة; Logistics|للخدمات اللوجستية;"
           "Contracting|للمقاولات"),
        _t("LLC|ذ.م.م; FZE|م.م.ح"),
        _t("{w} {a} {f}"),
        _cities("Dubai|دبي/Dubai/00000; Abu Dhabi|أبوظبي/Abu Dhabi/00000;"
                "Sharjah|الشارقة/Sharjah/00000"),
        _t("Sheikh Zayed Road; Al Maktoum Road; Jebel Ali Free Zone; Corniche Road"),
        _t("Office {n}, {s}"),
        _t("+971 4 ### ####; +971 2 ### ####"),
        _t("{w} {a} {f}"),
    ),
    CountryProfile(
        "LUX", 0.5,
        _t("Schmit; Muller; Weber; Wagner; Hoffmann; Klein; Moselle; Alzette; Benelux"),
        _t("Finance; Logistics; Construction; Acier; Services; Trading"),
        _t("S.à r.l.; S.A.; SCS"),
        _t("{w} {a} {f}; {a} {w} {f}"),
        _cities("Luxembourg/Luxembourg/L-1###; Esch-sur-Alzette/Esch-sur-Alzette/L-4###;"
                "Differdange/Esch-sur-Alzette/L-45##"),
        _t("Boulevard Royal; Route d'Arlon; Avenue de la Liberté; Rue de l'Industrie"),
        _t("{n} {s}"),
        _t("+352 ## ## ##"),
    ),
)


def latin(item: str) -> str:
    return item.split("|", 1)[0]


def local(item: str) -> str:
    return item.split("|", 1)[-1]


# Names of contacts, users and sales reps (also used in claims and custom fields).
FIRST_NAMES = _t("Camille; Nicolas; Sophie; Julien; Claire; Thomas; Émilie; Antoine; Laura;"
                 "Maxime; Anna; Lukas; Marco; Elena; James; Olivia; Pedro; Inès; Hugo; Léa")
LAST_NAMES = _t("Martin; Bernard; Dubois; Lefèvre; Garnier; Schmidt; Rossi; García;"
                "Smith; Peeters; Moreau; Fontaine; Chevalier; Laurent; Rousseau; Roux")
