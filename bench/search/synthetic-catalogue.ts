/** A seeded synthetic catalogue and query mix for search speed benchmarks (no dataset needed). */
import { createRng } from '../../src/core/random.ts';
import type { Item } from '../../src/core/schemas/index.ts';

const BRANDS = 'Acme Zenith Hampton Everbilt Ryobi Makita Dewalt Behr Glacier Husky Milwaukee Bosch Kohler Moen Delta Pfister Rheem Whirlpool Samsung Frigidaire Ridgid Stanley Kobalt Craftsman Toro Honda Echo Lithonia Philips Cree Feit Leviton Eaton Schlage Kwikset Defiant Sterling Simpson Owens Lasko'.split(' ');
const CATEGORIES = ['Tools > Power Tools > Drills', 'Tools > Power Tools > Saws', 'Tools > Hand Tools > Hammers', 'Tools > Hand Tools > Wrenches', 'Lighting > Ceiling Lights', 'Lighting > Lamps', 'Lighting > Bulbs', 'Bath > Faucets', 'Bath > Toilets', 'Bath > Vanities', 'Kitchen > Sinks', 'Kitchen > Appliances > Refrigerators', 'Kitchen > Appliances > Ranges', 'Garden > Hoses', 'Garden > Mowers', 'Garden > Planters', 'Paint > Interior', 'Paint > Exterior', 'Hardware > Brackets', 'Hardware > Hinges', 'Hardware > Locks', 'Flooring > Tile', 'Flooring > Vinyl', 'Electrical > Wire', 'Electrical > Switches', 'Plumbing > Pipe', 'Plumbing > Fittings', 'Storage > Shelving', 'Doors > Interior Doors', 'Windows > Blinds'];
const NOUNS = 'drill saw hammer wrench light lamp bulb faucet toilet vanity sink refrigerator range hose mower planter paint primer bracket hinge lock deadbolt tile plank wire switch outlet pipe elbow coupling shelf rack door blind shade fan heater filter valve tap sprayer trimmer blower chainsaw sander grinder router level tape ladder bucket brush roller caulk sealant adhesive screw bolt nail anchor washer nut clamp vise cart cabinet drawer mirror towel curtain rod rug mat'.split(' ');
const ADJECTIVES = 'cordless brushless compact heavy duty premium classic modern rustic outdoor indoor waterproof adjustable portable electric manual automatic stainless galvanized brushed polished matte glossy textured smooth flexible rigid round square elongated dual single double triple quiet smart wireless dimmable energy efficient decorative commercial residential'.split(' ');
const COLOURS = 'White Black Silver Bronze Chrome Nickel Brass Red Blue Green Gray Brown Beige Natural Yellow'.split(' ');
const MATERIALS = 'Steel Aluminum Brass Copper PVC Vinyl Oak Pine Cedar Bamboo Ceramic Porcelain Glass Plastic Rubber Nylon Fiberglass Concrete Granite Marble'.split(' ');
const UNITS = ['in.', 'ft.', 'gal.', '-Volt', '-Gauge', 'lb.', 'oz.', 'sq. ft.'];

/** `n` items with brand/colour/material attributes, a category path, a price and a short description. */
export function syntheticCatalogue(n: number, seed = 7): Item[] {
  const rng = createRng(seed);
  const items: Item[] = [];
  for (let i = 0; i < n; i++) {
    const brand = rng.pick(BRANDS);
    const noun = rng.pick(NOUNS);
    const adj = rng.pick(ADJECTIVES);
    const adj2 = rng.pick(ADJECTIVES);
    const colour = rng.pick(COLOURS);
    const material = rng.pick(MATERIALS);
    const size = `${1 + rng.int(96)}${rng.pick(UNITS).startsWith('-') ? '' : ' '}${rng.pick(UNITS)}`;
    items.push({
      id: `p${i}`,
      title: `${brand} ${size} ${adj} ${adj2} ${material} ${noun[0]!.toUpperCase()}${noun.slice(1)} in ${colour} (Model ${rng.int(100000)})`,
      description: `A ${adj} ${noun} made of ${material.toLowerCase()} for ${rng.pick(ADJECTIVES)} use. ${rng.pick(ADJECTIVES)} ${rng.pick(NOUNS)} compatible.`,
      category: rng.pick(CATEGORIES),
      price: Math.round(Math.exp(1 + rng.next() * 6) * 100) / 100,
      inStock: rng.next() > 0.1,
      attrs: { brand, color: colour, material },
    });
  }
  return items;
}

function typo(word: string, rng: ReturnType<typeof createRng>): string {
  if (word.length < 5) return word;
  const i = 1 + rng.int(word.length - 2);
  return word.slice(0, i) + word.slice(i + 1);
}

/** A query mix: 1–3 words, some with typos, price constraints, colours, units and unfinished last words. */
export function syntheticQueries(n: number, seed = 11): string[] {
  const rng = createRng(seed);
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const noun = rng.pick(NOUNS);
    const r = rng.next();
    if (r < 0.2) out.push(noun);
    else if (r < 0.35) out.push(`${rng.pick(ADJECTIVES)} ${noun}`);
    else if (r < 0.5) out.push(`${rng.pick(BRANDS).toLowerCase()} ${noun}`);
    else if (r < 0.6) out.push(`${typo(rng.pick(ADJECTIVES), rng)} ${typo(noun, rng)}`);
    else if (r < 0.7) out.push(`${noun} under ${10 * (1 + rng.int(20))}`);
    else if (r < 0.8) out.push(`${rng.pick(COLOURS).toLowerCase()} ${noun}`);
    else if (r < 0.9) out.push(`${noun} ${1 + rng.int(48)} in`);
    else out.push(`${rng.pick(ADJECTIVES)} ${noun.slice(0, Math.max(2, noun.length - 2))}`);
  }
  return out;
}
