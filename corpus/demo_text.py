"""Paragraphs for the demo corpus, written for tokenmill (no third-party text).

Each language has a pool; demo pages combine two paragraphs of one pool, so
pages overlap at most one paragraph unless a duplicate is made on purpose.
"""

ENGLISH = [
    "Sourdough bread rises because wild yeast and lactic acid bacteria live together in the starter. "
    "The yeast produces carbon dioxide that lifts the dough, while the bacteria make the acids that give "
    "the crumb its gentle sourness. A starter kept at room temperature needs feeding every day, but one "
    "kept in the refrigerator can wait a week between meals.",
    "A bicycle chain wears slowly and invisibly. Each pin and roller loses a fraction of a millimetre, "
    "and the chain grows longer until it no longer sits properly on the teeth of the cassette. Measuring "
    "the chain with a simple gauge every few months costs a minute and saves the price of new sprockets.",
    "Rivers that meander across a flood plain are constantly rebuilding themselves. Water runs faster on "
    "the outside of each bend and cuts into the bank, while sand and gravel settle on the inside where the "
    "current slows. Over decades a bend can migrate across a whole valley and leave an oxbow lake behind.",
    "The first printing presses in Europe were adapted from wine presses. Movable metal type made it "
    "possible to compose a page from reusable letters, lock it into a frame, and print hundreds of "
    "identical sheets in a day. Within fifty years printers were working in more than two hundred towns.",
    "Tomatoes grown in containers need more water than those planted in the ground, because a pot heats "
    "up in the sun and dries out quickly. Gardeners often mulch the surface with straw and water early in "
    "the morning, which keeps the roots cool and reduces the cracking that follows uneven watering.",
    "Jupiter has no solid surface that a spacecraft could land on. Its visible clouds are bands of ammonia "
    "ice carried by winds that blow in opposite directions at different latitudes. The Great Red Spot, a "
    "storm larger than the Earth, has been observed for more than three centuries and is slowly shrinking.",
    "Learning to read a topographic map begins with the contour lines. Lines that crowd together mean a "
    "steep slope, widely spaced lines mean gentle ground, and closed rings mark a summit or a hollow. "
    "Hikers who practise on familiar hills find unfamiliar mountains much less confusing later on.",
    "Honeybees communicate the location of flowers with a waggle dance performed on the vertical comb. "
    "The angle of the dance relative to straight up shows the direction of the food relative to the sun, "
    "and the length of the waggle run tells the other foragers roughly how far they will have to fly.",
    "Concrete keeps gaining strength for months after it is poured, because the chemical reactions between "
    "cement and water continue as long as moisture remains. Builders therefore keep fresh slabs damp and "
    "covered, and they test sample cylinders at seven and at twenty eight days to follow the curing.",
    "A good cup of tea depends as much on the water as on the leaves. Water that has boiled for a long time "
    "loses dissolved oxygen and tastes flat, and very hard water leaves a film on the surface. Green teas "
    "are usually brewed well below boiling so that the leaves do not turn bitter.",
]

GERMAN = [
    "Der Wald speichert im Sommer erstaunlich viel Wasser. Moose und die oberste Bodenschicht saugen den "
    "Regen auf wie ein Schwamm und geben ihn über Wochen langsam an die Bäche ab. Deshalb führen Flüsse, "
    "die aus bewaldeten Tälern kommen, auch nach langen Trockenperioden noch genügend Wasser.",
    "Beim Brotbacken entscheidet die Temperatur des Teiges über den Geschmack. Ein kühl und langsam "
    "gegangener Teig entwickelt mehr Aromen als einer, der in einer Stunde warm aufgeht. Viele Bäcker "
    "lassen ihren Teig daher über Nacht im Kühlschrank ruhen und backen ihn erst am nächsten Morgen.",
    "Die ersten Eisenbahnen in Deutschland fuhren kaum schneller als eine Postkutsche. Trotzdem veränderten "
    "sie das Leben in wenigen Jahrzehnten vollständig, denn Waren und Menschen konnten nun zu jeder "
    "Jahreszeit zuverlässig reisen, und Städte an den neuen Strecken wuchsen besonders schnell.",
]

FRENCH = [
    "Les marées sont provoquées par l'attraction de la Lune et, dans une moindre mesure, par celle du "
    "Soleil. Lorsque les deux astres sont alignés, pendant la pleine lune et la nouvelle lune, les "
    "marées deviennent plus fortes et la mer se retire très loin sur les plages de la Manche.",
    "Un potager bien organisé alterne les cultures d'une année sur l'autre. Les légumes qui épuisent le "
    "sol, comme les choux, laissent la place aux haricots et aux pois qui l'enrichissent en azote. Cette "
    "rotation limite aussi la propagation des maladies et des insectes qui hivernent dans la terre.",
    "La construction d'une cathédrale pouvait durer plus d'un siècle. Plusieurs générations d'ouvriers, de "
    "tailleurs de pierre et de verriers se succédaient sur le chantier, et le plan initial était souvent "
    "modifié pour suivre les goûts nouveaux et les techniques apprises entre-temps.",
]

SPANISH = [
    "El aceite de oliva se obtiene prensando las aceitunas poco después de la cosecha. Cuanto menos tiempo "
    "pasa entre la recogida y la almazara, menor es la acidez del aceite y más intenso su aroma. Por eso "
    "muchas cooperativas trabajan día y noche durante las semanas de la campaña.",
    "Los volcanes de las islas Canarias nacieron de un punto caliente bajo la corteza oceánica. Las islas "
    "más antiguas están al este y las más jóvenes al oeste, donde todavía se producen erupciones, como la "
    "que cubrió de lava una parte de La Palma hace pocos años.",
    "Aprender a tocar la guitarra exige paciencia con las yemas de los dedos. Durante las primeras semanas "
    "las cuerdas duelen, pero la piel se endurece poco a poco y los acordes empiezan a sonar limpios. "
    "Practicar un cuarto de hora cada día funciona mejor que una tarde entera una vez por semana.",
]

JAPANESE = [
    "日本の多くの地域では、春になると桜の開花予報が毎日のように報道される。気温の積算によって開花日を予測する"
    "方法が使われており、南の地方から北の地方へと桜前線がゆっくりと進んでいく様子が地図で示される。",
    "味噌は大豆と麹と塩から作られる発酵食品である。地域によって使う麹の種類や熟成期間が異なり、色の薄い甘い"
    "味噌から、長く寝かせた濃い色の辛い味噌まで、さまざまな味が生まれている。",
]

POOLS = {"en": ENGLISH, "de": GERMAN, "fr": FRENCH, "es": SPANISH, "ja": JAPANESE}

BOILERPLATE = "We use cookies to improve your experience. By using this site you accept our cookie policy."

CONTACT_LINES = [
    "For questions about the workshop write to maria.keller@example.org or call +1 415 555 0134.",
    "Bookings: jean.dupont@example.net, téléphone +33 1 42 68 53 00.",
    "Contact the editor at editor-desk@example.com, phone (212) 555-0198.",
]
