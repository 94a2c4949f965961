// Deterministic seed data for the sandbox Odoo: a company with two warehouses (Hamburg, Berlin, the
// latter with its own address) and their operation types, customers across the EU (Polish, Greek,
// German… names as they are written) and a few outside it (CH, GB, US: customs), a product
// catalogue with valid EAN-13 barcodes, prices, HS codes and origins, lots, carriers, box types (package
// types with barcodes), and `count` ready deliveries with reserved move lines, spread over the two
// warehouses' delivery types, stored as the emulated version keeps them. Pure: the same count always gives the same records (delivery N never depends on the
// count). Records are stored values: many2one = id or false, empty = false.
import { seededRandom } from '../seeded-random';

export type SeedValue = string | number | boolean | number[];
export type SeedRecord = { id: number } & Record<string, SeedValue>;
export type SeedData = Record<string, SeedRecord[]>;

/** Seeded delivery dates start here (UTC), so a write "now" always moves write_date. */
const BASE_TIME = Date.UTC(2025, 2, 3, 7, 0, 0);

/** EAN-13 from 12 digits: appends the GS1 mod-10 check digit. */
export function ean13(first12: string): string {
  if (!/^\d{12}$/.test(first12)) throw new Error(`EAN-13 needs 12 digits, got "${first12}"`);
  let sum = 0;
  for (let i = 0; i < 12; i++) sum += Number(first12[i]) * (i % 2 === 0 ? 1 : 3);
  return first12 + String((10 - (sum % 10)) % 10);
}

/** Odoo's datetime wire format: UTC, no zone. */
export function odooDatetime(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19).replace('T', ' ');
}

const COUNTRIES: [code: string, name: string][] = [
  ['DE', 'Germany'],
  ['PL', 'Poland'],
  ['GR', 'Greece'],
  ['FR', 'France'],
  ['IT', 'Italy'],
  ['ES', 'Spain'],
  ['NL', 'Netherlands'],
  ['AT', 'Austria'],
  ['CZ', 'Czech Republic'],
  ['BE', 'Belgium'],
  // Added later (ids after the first ten): destinations outside the EU customs union and origins of goods.
  ['CH', 'Switzerland'],
  ['GB', 'United Kingdom'],
  ['US', 'United States'],
  ['CN', 'China'],
  ['PT', 'Portugal'],
];

const STATES: [code: string, name: string, country: string][] = [
  ['MI', 'Milano', 'IT'],
  ['M', 'Madrid', 'ES'],
  ['NY', 'New York', 'US'],
];

interface Address {
  street: string;
  street2?: string;
  city: string;
  zip: string;
  country: string;
  state?: string;
  phone?: string;
  /** ≤18 keeps a separate mobile number; 19 merged it into phone. */
  mobile?: string;
  email?: string;
}

/** A customer: a person, or a company with the contact the parcel goes to. */
interface Customer extends Address {
  name: string;
  company?: string;
}

const COMPANY: Customer = {
  name: 'Packbench Demo GmbH',
  street: 'Am Sandtorkai 50',
  city: 'Hamburg',
  zip: '20457',
  country: 'DE',
  phone: '+49 40 5555 0100',
  email: 'warehouse@packbench.example',
};

const CUSTOMERS: Customer[] = [
  { company: 'Hurtownia Żółty Kot Sp. z o.o.', name: 'Łukasz Wiśniewski', street: 'ul. Świętokrzyska 12', city: 'Warszawa', zip: '00-116', country: 'PL', phone: '+48 22 555 01 23', email: 'lukasz@zoltykot.example' },
  { name: 'Zofia Łęcka', street: 'ul. Długa 5/3', city: 'Gdańsk', zip: '80-827', country: 'PL', phone: '+48 58 555 17 44' },
  { name: 'Γιώργος Παπαδόπουλος', street: 'Οδός Ερμού 24', city: 'Αθήνα', zip: '105 63', country: 'GR', phone: '+30 21 0555 2481', email: 'g.papadopoulos@example.gr' },
  { company: 'Αφοί Νικολάου Ο.Ε.', name: 'Ελένη Νικολάου', street: 'Τσιμισκή 45', street2: '3ος όροφος', city: 'Θεσσαλονίκη', zip: '546 23', country: 'GR', phone: '+30 231 055 5190' },
  { name: 'Jürgen Müller', street: 'Königstraße 7', city: 'Stuttgart', zip: '70173', country: 'DE', mobile: '+49 171 5550 123', email: 'juergen.mueller@example.de' },
  { company: 'Bäckerei Groß GmbH', name: 'Anja Weiß', street: 'Schloßstraße 88', street2: 'Hinterhaus, 2. OG', city: 'Berlin', zip: '12163', country: 'DE', phone: '+49 30 555 7788' },
  { name: 'Amélie Lefèvre', street: '14 rue de la Paix', city: 'Paris', zip: '75002', country: 'FR', phone: '+33 1 55 55 12 34', email: 'amelie.lefevre@example.fr' },
  { company: 'Librairie Côté Jardin SARL', name: 'François Dubois', street: '3 place Bellecour', street2: 'Bâtiment B', city: 'Lyon', zip: '69002', country: 'FR' },
  { name: 'Giulia Ricci', street: 'Via Torino 61', city: 'Milano', zip: '20123', country: 'IT', state: 'MI', phone: '+39 02 5555 6789' },
  { name: 'José Martínez Peña', street: 'Calle de Alcalá 45', street2: '4º izquierda', city: 'Madrid', zip: '28014', country: 'ES', state: 'M', email: 'jose.martinez@example.es' },
  { name: 'Sanne de Vries', street: 'Prinsengracht 263', city: 'Amsterdam', zip: '1016 GV', country: 'NL', phone: '+31 20 555 0263' },
  { name: 'Lukas Hofer', street: 'Mariahilfer Straße 101', street2: 'Top 12', city: 'Wien', zip: '1060', country: 'AT', mobile: '+43 664 555 0101' },
  { company: 'Kavárna U Zlatého Lva s.r.o.', name: 'Tomáš Dvořák', street: 'Náměstí Míru 9', city: 'Praha 2', zip: '120 00', country: 'CZ', phone: '+420 222 555 901' },
  { name: 'Emma Peeters', street: 'Meir 50', city: 'Antwerpen', zip: '2000', country: 'BE', email: 'emma.peeters@example.be' },
  { name: 'Krzysztof Wójcik', street: 'ul. Piotrkowska 101', city: 'Łódź', zip: '90-425', country: 'PL', email: 'k.wojcik@example.pl' },
  { name: 'Μαρία Κωνσταντίνου', street: 'Λεωφόρος Κηφισίας 120', city: 'Αθήνα', zip: '115 26', country: 'GR', phone: '+30 21 0555 7702' },
];

/** Customers outside the EU customs union: their parcels need a customs declaration. */
const NON_EU_CUSTOMERS: Customer[] = [
  { name: 'Lea Brunner', street: 'Bahnhofstrasse 21', city: 'Zürich', zip: '8001', country: 'CH', phone: '+41 44 555 01 23', email: 'lea.brunner@example.ch' },
  { company: 'Tea & Type Ltd', name: 'Oliver Hughes', street: '221 Baker Street', city: 'London', zip: 'NW1 6XE', country: 'GB', phone: '+44 20 7946 0958' },
  { name: 'Emily Carter', street: '350 Fifth Avenue', street2: 'Suite 4100', city: 'New York', zip: '10118', country: 'US', state: 'NY', phone: '+1 212 555 0142', email: 'emily.carter@example.com' },
];
/** Share of seeded deliveries that go to a customer outside the EU. */
const NON_EU_SHARE = 0.15;

/** The second warehouse's own address (stock.warehouse partner_id): the sender of its parcels. */
const BERLIN_WAREHOUSE: Customer = {
  name: 'Lager Berlin',
  street: 'Am Borsigturm 100',
  city: 'Berlin',
  zip: '13507',
  country: 'DE',
  phone: '+49 30 5555 0200',
  email: 'berlin@packbench.example',
};

interface Product {
  name: string;
  code: string;
  /** kg; 0 = no weight set */
  weight: number;
  tracking: 'none' | 'lot' | 'serial';
  ean: string;
  /** Sales price in EUR (lst_price). */
  price: number;
  /** Harmonized System code and country of origin (customs). */
  hs: string;
  origin: string;
}

const PRODUCTS: Product[] = [
  { name: 'Desk Lamp LED', code: 'FURN-LAMP-01', weight: 0.85, tracking: 'none', ean: '400638133393', price: 39.9, hs: '9405.21', origin: 'CN' },
  { name: 'Ceramic Mug 350 ml', code: 'KIT-MUG-350', weight: 0.32, tracking: 'none', ean: '590123412345', price: 12.5, hs: '6912.00', origin: 'PL' },
  { name: 'Cotton Tote Bag', code: 'ACC-TOTE-01', weight: 0.12, tracking: 'none', ean: '520000110001', price: 9.9, hs: '4202.22', origin: 'PT' },
  { name: 'Wireless Mouse', code: 'ELEC-MOU-02', weight: 0.09, tracking: 'none', ean: '400123456789', price: 24.9, hs: '8471.60', origin: 'CN' },
  { name: 'USB-C Cable 2 m', code: 'ELEC-CAB-2M', weight: 0.05, tracking: 'none', ean: '871234500017', price: 8.9, hs: '8544.42', origin: 'CN' },
  { name: 'Notebook A5 Dotted', code: 'STAT-NB-A5', weight: 0.25, tracking: 'none', ean: '590555000123', price: 6.5, hs: '4820.10', origin: 'DE' },
  { name: 'Espresso Beans 1 kg', code: 'FOOD-ESP-1K', weight: 1.05, tracking: 'lot', ean: '800123400011', price: 18.9, hs: '0901.21', origin: 'IT' },
  { name: 'Olive Oil 500 ml', code: 'FOOD-OIL-500', weight: 0.95, tracking: 'lot', ean: '520123456780', price: 11.9, hs: '1509.20', origin: 'GR' },
  { name: 'Bluetooth Speaker', code: 'ELEC-SPK-01', weight: 0.6, tracking: 'serial', ean: '400999000101', price: 59, hs: '8518.22', origin: 'CN' },
  { name: 'Cast Iron Pan 28 cm', code: 'KIT-PAN-28', weight: 2.4, tracking: 'none', ean: '376000111222', price: 49, hs: '7323.91', origin: 'FR' },
  { name: 'Yoga Mat', code: 'SPRT-MAT-01', weight: 1.2, tracking: 'none', ean: '841234567890', price: 29.9, hs: '9506.91', origin: 'ES' },
  { name: 'Water Bottle 750 ml', code: 'SPRT-BTL-75', weight: 0.28, tracking: 'none', ean: '900100200300', price: 19.9, hs: '7323.93', origin: 'AT' },
  { name: 'Gift Card', code: 'GIFT-CARD', weight: 0, tracking: 'none', ean: '859400012345', price: 25, hs: '4911.99', origin: 'DE' },
  { name: 'Wool Socks (3 pack)', code: 'APP-SOCK-3', weight: 0.15, tracking: 'none', ean: '540111222333', price: 14.9, hs: '6115.94', origin: 'BE' },
  { name: 'Plant Pot Ø 20 cm', code: 'HOME-POT-20', weight: 1.8, tracking: 'none', ean: '400555666777', price: 22, hs: '6913.90', origin: 'DE' },
  { name: 'Scented Candle', code: 'HOME-CND-01', weight: 0.4, tracking: 'none', ean: '590987654321', price: 15.5, hs: '3406.00', origin: 'PL' },
];

/** The delivery carriers (delivery.carrier) the pickings are seeded with; the training bench maps some to the sandbox carriers. */
export const SANDBOX_ODOO_CARRIERS = ['DHL Parcel', 'DPD Classic', 'GLS Business Parcel', 'UPS Standard'] as const;
const CARRIERS = SANDBOX_ODOO_CARRIERS;
/**
 * How each carrier is set up in Odoo: GLS and UPS through a carrier connector that buys the label
 * when the delivery is validated (ZPL and PDF labels); DHL and DPD as plain fixed-price carriers.
 */
export const SANDBOX_CONNECTOR_CARRIERS = { gls: CARRIERS[2], ups: CARRIERS[3] } as const;
const CARRIER_SETUP: Record<string, { delivery_type: string; integration_level: string; label_format: string | false }> = {
  [CARRIERS[0]]: { delivery_type: 'fixed', integration_level: 'rate', label_format: false },
  [CARRIERS[1]]: { delivery_type: 'fixed', integration_level: 'rate', label_format: false },
  [CARRIERS[2]]: { delivery_type: 'gls', integration_level: 'rate_and_ship', label_format: 'ZPL' },
  [CARRIERS[3]]: { delivery_type: 'ups', integration_level: 'rate_and_ship', label_format: 'PDF' },
};

/** Two warehouses of the one company; each has its receipts and delivery orders operation types. */
const WAREHOUSES: { name: string; code: string }[] = [
  { name: 'Hamburg', code: 'WH' },
  { name: 'Berlin', code: 'BER' },
];
export const CUSTOMERS_LOCATION_ID = 5;
/** The stock location of warehouse N (1-based): 8 for the first, as in a fresh Odoo. */
const stockLocationId = (warehouse: number) => (warehouse === 1 ? 8 : 100 + warehouse);
/** The delivery orders type of warehouse N (1-based): types go receipts, deliveries per warehouse. */
export const sandboxDeliveryTypeId = (warehouse: number) => warehouse * 2;
/** Share of seeded deliveries that ship from the second warehouse. */
const SECOND_WAREHOUSE_SHARE = 0.35;

interface BoxType {
  name: string;
  barcode: string;
  /** mm */
  dims: [length: number, width: number, height: number];
  /** kg */
  base: number;
  /** kg; 0 = no limit */
  max: number;
}

const PACKAGE_TYPES: BoxType[] = [
  { name: 'Box S', barcode: 'PT-BOX-S', dims: [300, 200, 100], base: 0.18, max: 5 },
  { name: 'Box M', barcode: 'PT-BOX-M', dims: [400, 300, 200], base: 0.35, max: 15 },
  { name: 'Box L', barcode: 'PT-BOX-L', dims: [600, 400, 400], base: 0.7, max: 30 },
  { name: 'Mailer bag', barcode: 'PT-MAILER', dims: [350, 250, 30], base: 0.03, max: 1 },
];

/** Odoo's own message subtypes, by external id (ids as a fresh database has them). */
export const MESSAGE_SUBTYPES = [
  { xmlid: 'mail.mt_comment', id: 1, name: 'Discussions', internal: false, default: true, sequence: 0 },
  { xmlid: 'mail.mt_note', id: 2, name: 'Note', internal: true, default: false, sequence: 100 },
  { xmlid: 'mail.mt_activities', id: 3, name: 'Activities', internal: true, default: true, sequence: 90 },
] as const;

export const SANDBOX_UID = 2;
export const SANDBOX_COMPANY_ID = 1;

/** Everything the sandbox starts with, as Odoo `version` (16–19) stores it. */
export function seedSandbox(count: number, version = 17): SeedData {
  const packageModel = version >= 19 ? 'stock.package' : 'stock.quant.package';
  const data: SeedData = {
    'uom.uom': [{ id: 1, name: 'Units' }],
    // Odoo's own ids: Partners/Customers is 5, the first warehouse's stock 8.
    'stock.location': [
      { id: 5, name: 'Customers', complete_name: 'Partners/Customers', usage: 'customer' },
      ...WAREHOUSES.map((w, i) => ({ id: stockLocationId(i + 1), name: 'Stock', complete_name: `${w.code}/Stock`, usage: 'internal' })),
    ],
    'res.users': [{ id: SANDBOX_UID, name: 'Mitchell Admin', login: 'admin' }],
    'res.country': COUNTRIES.map(([code, name], i) => ({ id: i + 1, code, name })),
    'res.country.state': [],
    'res.partner': [],
    'res.currency': [{ id: 1, name: 'EUR' }],
    'res.company': [],
    'product.product': PRODUCTS.map((p, i) => ({
      id: i + 1,
      name: p.name,
      default_code: p.code,
      barcode: ean13(p.ean),
      weight: p.weight,
      tracking: p.tracking,
      // 18: storable products are 'consu' with is_storable.
      ...(version >= 18 ? { type: 'consu', is_storable: true } : { type: 'product' }),
      uom_id: 1,
      lst_price: p.price,
      hs_code: p.hs,
      country_of_origin: COUNTRIES.findIndex(([c]) => c === p.origin) + 1,
    })),
    // One lot (or serial series) per tracked product; reservation put it on the move lines.
    'stock.lot': PRODUCTS.flatMap((p, i) => (p.tracking === 'none' ? [] : [{ id: i + 1, name: `${p.code}-L2503`, product_id: i + 1, company_id: SANDBOX_COMPANY_ID }])),
    'delivery.carrier': CARRIERS.map((name, i) => ({ id: i + 1, name, ...CARRIER_SETUP[name]! })),
    'stock.warehouse': [],
    'stock.picking.type': WAREHOUSES.flatMap((w, i) => [
      { id: 2 * i + 1, name: 'Receipts', code: 'incoming', sequence_code: 'IN', sequence: 2 * i + 1, warehouse_id: i + 1, company_id: SANDBOX_COMPANY_ID, create_backorder: 'ask', use_create_lots: true, use_existing_lots: false },
      // A new Odoo warehouse's deliveries take existing lots only; the sandbox's also create new ones,
      // so a trainee can scan any lot. Tests switch use_create_lots off for Odoo's default.
      { id: 2 * i + 2, name: 'Delivery Orders', code: 'outgoing', sequence_code: 'OUT', sequence: 2 * i + 2, warehouse_id: i + 1, company_id: SANDBOX_COMPANY_ID, create_backorder: 'ask', use_create_lots: true, use_existing_lots: true },
    ]),
    'stock.package.type': PACKAGE_TYPES.map((t, i) => ({
      id: i + 1,
      name: t.name,
      sequence: i + 1,
      barcode: t.barcode,
      packaging_length: t.dims[0],
      width: t.dims[1],
      height: t.dims[2],
      base_weight: t.base,
      max_weight: t.max,
      company_id: false,
      shipper_package_code: false,
      package_carrier_type: 'none',
      ...(version >= 19 ? { package_use: 'disposable' } : {}),
    })),
    'stock.picking': [],
    'stock.move': [],
    'stock.move.line': [],
    [packageModel]: [],
    ...(version <= 18 ? { 'stock.package_level': [] } : {}),
    'ir.attachment': [],
    'mail.message.subtype': MESSAGE_SUBTYPES.map(({ xmlid: _xmlid, ...subtype }) => ({ ...subtype, res_model: false })),
    'mail.message': [],
  };
  const countryId = (code: string) => COUNTRIES.findIndex(([c]) => c === code) + 1;
  STATES.forEach(([code, name, country], i) =>
    data['res.country.state']!.push({ id: i + 1, code, name, country_id: countryId(country) }),
  );
  const stateId = (code?: string) => (code ? STATES.findIndex(([c]) => c === code) + 1 : false);

  const partners = data['res.partner']!;
  const addPartner = (c: Customer, name: string, isCompany: boolean, parentId: number | false, type: string) => {
    const id = partners.length + 1;
    partners.push({
      id,
      name,
      street: c.street,
      street2: c.street2 ?? false,
      city: c.city,
      zip: c.zip,
      state_id: stateId(c.state),
      country_id: countryId(c.country),
      // 19's upgrade moved mobile into an empty phone.
      phone: c.phone ?? (version >= 19 ? (c.mobile ?? false) : false),
      ...(version <= 18 ? { mobile: c.mobile ?? false } : {}),
      email: c.email ?? false,
      is_company: isCompany,
      parent_id: parentId,
      type,
    });
    return id;
  };
  const companyPartner = addPartner(COMPANY, COMPANY.name, true, false, 'contact');
  data['res.company']!.push({ id: SANDBOX_COMPANY_ID, name: COMPANY.name, partner_id: companyPartner, currency_id: 1 });
  WAREHOUSES.forEach((w, i) =>
    data['stock.warehouse']!.push({ id: i + 1, name: w.name, code: w.code, company_id: SANDBOX_COMPANY_ID, partner_id: companyPartner, sequence: i + 1 }),
  );
  // The partner each customer's parcels go to (the contact person of a company).
  const shipTo = CUSTOMERS.map((c) => {
    if (!c.company) return addPartner(c, c.name, false, false, 'contact');
    const parent = addPartner(c, c.company, true, false, 'contact');
    return addPartner(c, c.name, false, parent, 'delivery');
  });
  // Partners added later come after the first ones, so those keep their ids.
  const shipToNonEu = NON_EU_CUSTOMERS.map((c) => {
    if (!c.company) return addPartner(c, c.name, false, false, 'contact');
    const parent = addPartner(c, c.company, true, false, 'contact');
    return addPartner(c, c.name, false, parent, 'delivery');
  });
  // The Berlin warehouse ships from its own address, a contact of the company.
  data['stock.warehouse']![1]!.partner_id = addPartner(BERLIN_WAREHOUSE, BERLIN_WAREHOUSE.name, false, companyPartner, 'delivery');

  const moves = data['stock.move']!;
  const lines = data['stock.move.line']!;
  for (let n = 1; n <= count; n++) {
    const rnd = seededRandom(n * 2654435761);
    // Values added after the first deliveries were seeded come from a stream of their own, so the
    // draws above (customer, lines, carrier, responsible) stay what they were.
    const more = seededRandom((n * 2246822519) ^ 0x5bd1e995);
    const warehouse = more() < SECOND_WAREHOUSE_SHARE ? 2 : 1;
    const nonEu = more() < NON_EU_SHARE ? shipToNonEu[Math.floor(more() * shipToNonEu.length)]! : null;
    const pick = <T>(list: readonly T[]): T => list[Math.floor(rnd() * list.length)]!;
    const customer = Math.floor(rnd() * CUSTOMERS.length);
    const lineCount = 1 + Math.floor(rnd() * rnd() * 4);
    const products = new Set<number>();
    while (products.size < lineCount) products.add(1 + Math.floor(rnd() * PRODUCTS.length));
    const carrier = rnd() < 0.85 ? pick(CARRIERS.map((_, i) => i + 1)) : false;
    const at = odooDatetime(BASE_TIME + n * 11 * 60_000);
    for (const productId of products) {
      const id = moves.length + 1;
      const qty = pick([1, 1, 1, 2, 2, 3, 5]);
      moves.push({
        id,
        name: PRODUCTS[productId - 1]!.name,
        picking_id: n,
        product_id: productId,
        product_uom_qty: qty,
        product_uom: 1,
        location_id: stockLocationId(warehouse),
        location_dest_id: CUSTOMERS_LOCATION_ID,
        state: 'assigned',
        write_date: at,
        create_date: at,
      });
      // The reservation: one line per move with the reserved quantity (and the lot), nothing done.
      lines.push({
        id: lines.length + 1,
        move_id: id,
        picking_id: n,
        product_id: productId,
        ...(version === 16 ? { reserved_uom_qty: qty, qty_done: 0 } : { quantity: qty, picked: false }),
        location_id: stockLocationId(warehouse),
        location_dest_id: CUSTOMERS_LOCATION_ID,
        product_uom_id: 1,
        lot_id: PRODUCTS[productId - 1]!.tracking === 'none' ? false : productId,
        lot_name: false,
        result_package_id: false,
        state: 'assigned',
        write_date: at,
        create_date: at,
      });
    }
    const seq = String(n).padStart(5, '0');
    data['stock.picking']!.push({
      id: n,
      name: `WH/OUT/${seq}`,
      origin: `S${seq}`,
      state: 'assigned',
      partner_id: nonEu ?? shipTo[customer]!,
      picking_type_id: sandboxDeliveryTypeId(warehouse),
      carrier_id: carrier,
      carrier_tracking_ref: false,
      shipping_weight: 0,
      scheduled_date: odooDatetime(BASE_TIME + 86_400_000 + n * 11 * 60_000),
      date_done: false,
      backorder_id: false,
      company_id: SANDBOX_COMPANY_ID,
      user_id: rnd() < 0.7 ? SANDBOX_UID : false,
      write_date: at,
      create_date: at,
    });
  }
  return data;
}
