/**
 * The word banks of the simulated demo store: a three-level category tree (8 departments), fictional brands,
 * adjectives, colours and per-category product nouns, features, sizes, prices and complements. Titles,
 * descriptions, search queries and review texts are composed from these, so the text is varied but on-topic
 * (a search for "espresso" finds coffee things). Every brand name here is invented.
 */

/** A leaf category: the products it sells and how they are described and priced. */
export interface DemoLeaf {
  /** Leaf name, unique across the tree (the last level of the category path). */
  name: string;
  /** Product nouns used in titles ("Mug", "Travel Mug"). */
  nouns: readonly string[];
  /** Median price in USD; prices are log-normal around it. */
  priceMedian: number;
  /** Log-normal sigma of the price (default 0.45). */
  priceSigma?: number;
  /** Attribute name → values; the first attribute's value goes into the title. */
  features?: Readonly<Record<string, readonly string[]>>;
  /** Sizes or capacities (attrs.size, appended to the title). */
  sizes?: readonly string[];
  /** False for things without a colour (books, food). Default true. */
  colored?: boolean;
  /** Names of leaves bought together with this one (a camera → memory cards). */
  complements?: readonly string[];
  /** Relative share of the catalogue (default 1). */
  breadth?: number;
}

export interface DemoSubcategory {
  name: string;
  leaves: readonly DemoLeaf[];
}

/** A top-level department with its brands and style words. */
export interface DemoDepartment {
  name: string;
  /** Relative share of shoppers' attention. */
  appeal: number;
  brands: readonly string[];
  adjectives: readonly string[];
  colors: readonly string[];
  /** Description sentences; `{noun}` is replaced by the product noun (lower case). */
  blurbs: readonly string[];
  subcategories: readonly DemoSubcategory[];
  /** Title style: `product` (brand adjective feature noun) or `book` (a phrase title by an author). */
  titleStyle?: 'product' | 'book';
}

const NEUTRAL_COLORS = ['Black', 'White', 'Graphite', 'Silver', 'Navy', 'Stone Grey'] as const;

export const DEMO_DEPARTMENTS: readonly DemoDepartment[] = [
  {
    name: 'Home',
    appeal: 1.3,
    brands: ['Nordhaven', 'Casa Lumen', 'Oakridge', 'Hearthly', 'Kinfolk & Co', 'Maison Verde'],
    adjectives: ['Classic', 'Modern', 'Rustic', 'Minimalist', 'Handcrafted', 'Everyday', 'Scandi', 'Vintage'],
    colors: ['Sage Green', 'Terracotta', 'Cream', 'Charcoal', 'Ocean Blue', 'Mustard', 'White', 'Blush Pink'],
    blurbs: [
      'A {noun} that makes everyday routines feel a little more special.',
      'Designed to last, this {noun} pairs good looks with practical details.',
      'Easy to care for and built for daily use in a busy home.',
      'Thoughtful proportions and a timeless finish suit any interior.',
    ],
    subcategories: [
      {
        name: 'Kitchen',
        leaves: [
          { name: 'Mugs', nouns: ['Mug', 'Coffee Mug', 'Travel Mug'], priceMedian: 16, features: { material: ['Ceramic', 'Stoneware', 'Porcelain', 'Enamel', 'Stainless Steel'] }, sizes: ['300 ml', '350 ml', '450 ml'], complements: ['Coffee Beans', 'Tea'], breadth: 1.4 },
          { name: 'Cookware', nouns: ['Frying Pan', 'Saucepan', 'Dutch Oven', 'Wok', 'Skillet'], priceMedian: 60, priceSigma: 0.5, features: { material: ['Cast Iron', 'Stainless Steel', 'Non-Stick', 'Carbon Steel', 'Copper'] }, sizes: ['20 cm', '24 cm', '28 cm'], complements: ['Kitchen Knives', 'Utensils'], breadth: 1.3 },
          { name: 'Kitchen Knives', nouns: ["Chef's Knife", 'Paring Knife', 'Bread Knife', 'Santoku Knife', 'Knife Set'], priceMedian: 45, priceSigma: 0.55, features: { material: ['Damascus Steel', 'German Steel', 'Japanese Steel', 'Ceramic'] }, complements: ['Cutting Boards'] },
          { name: 'Cutting Boards', nouns: ['Cutting Board', 'Chopping Block', 'Serving Board'], priceMedian: 28, features: { material: ['Walnut', 'Bamboo', 'Acacia', 'Olive Wood'] }, sizes: ['Small', 'Medium', 'Large'] },
          { name: 'Utensils', nouns: ['Spatula Set', 'Wooden Spoon', 'Whisk', 'Tongs', 'Ladle'], priceMedian: 14, features: { material: ['Beech', 'Silicone', 'Stainless Steel', 'Bamboo'] } },
          { name: 'Coffee Makers', nouns: ['Espresso Machine', 'French Press', 'Pour-Over Dripper', 'Moka Pot', 'Coffee Grinder'], priceMedian: 85, priceSigma: 0.8, features: { material: ['Stainless Steel', 'Glass', 'Aluminium', 'Ceramic'] }, complements: ['Coffee Beans', 'Mugs'], breadth: 1.2 },
        ],
      },
      {
        name: 'Bedding',
        leaves: [
          { name: 'Sheets', nouns: ['Sheet Set', 'Fitted Sheet', 'Flat Sheet'], priceMedian: 55, features: { material: ['Linen', 'Percale Cotton', 'Sateen Cotton', 'Bamboo Lyocell'] }, sizes: ['Single', 'Double', 'Queen', 'King'], complements: ['Pillows', 'Duvets'] },
          { name: 'Pillows', nouns: ['Pillow', 'Pillow Pair', 'Body Pillow'], priceMedian: 35, features: { material: ['Down', 'Memory Foam', 'Buckwheat', 'Microfibre'] }, sizes: ['Standard', 'King'] },
          { name: 'Duvets', nouns: ['Duvet', 'Duvet Cover', 'Quilt'], priceMedian: 90, priceSigma: 0.5, features: { material: ['Duck Down', 'Wool', 'Cotton', 'Microfibre'] }, sizes: ['Single', 'Double', 'King'], complements: ['Sheets'] },
        ],
      },
      {
        name: 'Decor',
        leaves: [
          { name: 'Candles', nouns: ['Scented Candle', 'Pillar Candle', 'Candle Set'], priceMedian: 22, features: { scent: ['Fig & Cedar', 'Sea Salt', 'Vanilla', 'Lavender', 'Amber'] }, complements: ['Vases'] },
          { name: 'Vases', nouns: ['Vase', 'Bud Vase', 'Floor Vase'], priceMedian: 35, features: { material: ['Glass', 'Ceramic', 'Terracotta', 'Brass'] }, sizes: ['Small', 'Medium', 'Large'] },
          { name: 'Picture Frames', nouns: ['Picture Frame', 'Gallery Frame Set', 'Photo Frame'], priceMedian: 25, features: { material: ['Oak', 'Aluminium', 'Walnut', 'Brass'] }, sizes: ['10x15 cm', '20x25 cm', '30x40 cm'] },
        ],
      },
    ],
  },
  {
    name: 'Electronics',
    appeal: 1.2,
    brands: ['Lumora', 'Voltix', 'Arcwave', 'Solen', 'Pixelforge', 'Kestrel Audio'],
    adjectives: ['Compact', 'Pro', 'Wireless', 'Ultra', 'Smart', 'Portable', 'Lite', 'Max'],
    colors: [...NEUTRAL_COLORS],
    blurbs: [
      'This {noun} packs flagship features into an easy-to-use design.',
      'Fast set-up, long battery life and a two-year warranty.',
      'Reviewers praise this {noun} for its reliability and sharp performance.',
      'Firmware updates keep this {noun} improving after you buy it.',
    ],
    subcategories: [
      {
        name: 'Cameras',
        leaves: [
          { name: 'Digital Cameras', nouns: ['Mirrorless Camera', 'Compact Camera', 'Action Camera', 'DSLR Camera'], priceMedian: 520, priceSigma: 0.6, features: { resolution: ['20 MP', '24 MP', '33 MP', '45 MP'] }, complements: ['Memory Cards', 'Camera Bags', 'Tripods'], breadth: 1.2 },
          { name: 'Memory Cards', nouns: ['SD Card', 'microSD Card', 'CFexpress Card'], priceMedian: 24, priceSigma: 0.5, features: { speed: ['UHS-I', 'UHS-II', 'V30', 'V90'] }, sizes: ['64 GB', '128 GB', '256 GB', '512 GB'], colored: false },
          { name: 'Camera Bags', nouns: ['Camera Bag', 'Camera Backpack', 'Sling Bag'], priceMedian: 65, features: { material: ['Canvas', 'Nylon', 'Leather', 'Recycled Polyester'] } },
          { name: 'Tripods', nouns: ['Tripod', 'Travel Tripod', 'Mini Tripod'], priceMedian: 70, priceSigma: 0.55, features: { material: ['Aluminium', 'Carbon Fibre'] } },
        ],
      },
      {
        name: 'Audio',
        leaves: [
          { name: 'Headphones', nouns: ['Headphones', 'Earbuds', 'Noise-Cancelling Headphones', 'Sports Earbuds'], priceMedian: 110, priceSigma: 0.7, features: { connectivity: ['Bluetooth 5.3', 'Wired', 'USB-C'] }, complements: ['Chargers'], breadth: 1.5 },
          { name: 'Speakers', nouns: ['Bluetooth Speaker', 'Smart Speaker', 'Soundbar', 'Bookshelf Speakers'], priceMedian: 130, priceSigma: 0.7, features: { connectivity: ['Bluetooth', 'Wi-Fi', 'Wired'] }, breadth: 1.2 },
        ],
      },
      {
        name: 'Phones & Accessories',
        leaves: [
          { name: 'Smartphones', nouns: ['Smartphone', '5G Smartphone', 'Rugged Phone'], priceMedian: 480, priceSigma: 0.55, features: { storage: ['128 GB', '256 GB', '512 GB'] }, complements: ['Phone Cases', 'Screen Protectors', 'Chargers'], breadth: 1.1 },
          { name: 'Phone Cases', nouns: ['Phone Case', 'Wallet Case', 'Rugged Case'], priceMedian: 18, features: { material: ['Silicone', 'Leather', 'TPU', 'Recycled Plastic'] }, breadth: 1.4 },
          { name: 'Screen Protectors', nouns: ['Screen Protector', 'Privacy Screen Protector'], priceMedian: 11, features: { material: ['Tempered Glass', 'Film'] }, colored: false },
          { name: 'Chargers', nouns: ['USB-C Charger', 'Wireless Charger', 'Power Bank', 'Car Charger'], priceMedian: 25, features: { power: ['20 W', '30 W', '65 W', '100 W'] } },
        ],
      },
    ],
  },
  {
    name: 'Fashion',
    appeal: 1.4,
    brands: ['Marlowe', 'Fieldnote', 'Urbane Thread', 'Saltwater', 'Ellery', 'North & Pine'],
    adjectives: ['Relaxed', 'Slim-Fit', 'Classic', 'Oversized', 'Tailored', 'Essential', 'Cropped', 'Everyday'],
    colors: ['Black', 'Navy', 'Olive', 'Camel', 'Ivory', 'Burgundy', 'Heather Grey', 'Denim Blue', 'Rust'],
    blurbs: [
      'A wardrobe staple: this {noun} is easy to dress up or down.',
      'Cut for comfort with a flattering shape and soft handle.',
      'Made responsibly in small batches with durable stitching.',
      'Pair this {noun} with your favourite basics for an effortless look.',
    ],
    subcategories: [
      {
        name: 'Women',
        leaves: [
          { name: 'Dresses', nouns: ['Midi Dress', 'Wrap Dress', 'Shirt Dress', 'Maxi Dress'], priceMedian: 65, features: { material: ['Cotton', 'Linen', 'Viscose', 'Silk'] }, sizes: ['XS', 'S', 'M', 'L', 'XL'], breadth: 1.4 },
          { name: "Women's Tops", nouns: ['Blouse', 'T-Shirt', 'Knit Top', 'Tank Top'], priceMedian: 32, features: { material: ['Cotton', 'Linen', 'Merino', 'Modal'] }, sizes: ['XS', 'S', 'M', 'L', 'XL'], breadth: 1.3 },
          { name: 'Handbags', nouns: ['Tote Bag', 'Crossbody Bag', 'Shoulder Bag', 'Clutch'], priceMedian: 85, priceSigma: 0.6, features: { material: ['Leather', 'Canvas', 'Vegan Leather', 'Suede'] } },
        ],
      },
      {
        name: 'Men',
        leaves: [
          { name: "Men's Shirts", nouns: ['Oxford Shirt', 'Flannel Shirt', 'Linen Shirt', 'Polo Shirt'], priceMedian: 45, features: { material: ['Cotton', 'Linen', 'Flannel', 'Pique'] }, sizes: ['S', 'M', 'L', 'XL', 'XXL'], breadth: 1.3 },
          { name: 'Jeans', nouns: ['Jeans', 'Straight Jeans', 'Tapered Jeans', 'Chinos'], priceMedian: 60, features: { material: ['Selvedge Denim', 'Stretch Denim', 'Organic Cotton'] }, sizes: ['30', '32', '34', '36'], complements: ['Belts'] },
          { name: 'Belts', nouns: ['Belt', 'Leather Belt', 'Woven Belt'], priceMedian: 30, features: { material: ['Leather', 'Canvas', 'Suede'] }, sizes: ['S', 'M', 'L'] },
        ],
      },
      {
        name: 'Shoes',
        leaves: [
          { name: 'Sneakers', nouns: ['Sneakers', 'Running Shoes', 'Canvas Trainers', 'High-Top Sneakers'], priceMedian: 90, priceSigma: 0.45, features: { material: ['Leather', 'Knit', 'Canvas', 'Suede'] }, sizes: ['38', '40', '42', '44', '46'], complements: ['Socks'], breadth: 1.4 },
          { name: 'Boots', nouns: ['Chelsea Boots', 'Hiking Boots', 'Ankle Boots', 'Work Boots'], priceMedian: 130, priceSigma: 0.45, features: { material: ['Leather', 'Suede', 'Waxed Leather'] }, sizes: ['38', '40', '42', '44', '46'], complements: ['Socks'] },
          { name: 'Socks', nouns: ['Socks 3-Pack', 'Wool Socks', 'Ankle Socks 5-Pack'], priceMedian: 14, features: { material: ['Merino', 'Cotton', 'Bamboo'] }, sizes: ['S', 'M', 'L'] },
        ],
      },
    ],
  },
  {
    name: 'Beauty',
    appeal: 1.0,
    brands: ['Glowe', 'Dermalune', 'Petal & Stone', 'Aurelle', 'Botanica Lab', 'Velvet Fig'],
    adjectives: ['Hydrating', 'Gentle', 'Brightening', 'Nourishing', 'Daily', 'Soothing', 'Intensive', 'Fragrance-Free'],
    colors: ['Rose', 'Nude', 'Berry', 'Coral', 'Mauve', 'Classic Red'],
    blurbs: [
      'Dermatologist-tested and suitable for sensitive skin.',
      'A lightweight {noun} that absorbs quickly without residue.',
      'Formulated with plant extracts and no parabens.',
      'Cruelty-free and packaged in recycled materials.',
    ],
    subcategories: [
      {
        name: 'Skincare',
        leaves: [
          { name: 'Moisturizers', nouns: ['Face Cream', 'Moisturizer', 'Night Cream', 'Gel Moisturizer'], priceMedian: 28, features: { ingredient: ['Hyaluronic Acid', 'Ceramide', 'Squalane', 'Shea Butter'] }, sizes: ['30 ml', '50 ml'], colored: false, complements: ['Cleansers', 'Serums'], breadth: 1.3 },
          { name: 'Cleansers', nouns: ['Cleanser', 'Cleansing Balm', 'Foaming Wash', 'Micellar Water'], priceMedian: 18, features: { ingredient: ['Green Tea', 'Salicylic Acid', 'Oat', 'Vitamin C'] }, sizes: ['150 ml', '200 ml'], colored: false },
          { name: 'Serums', nouns: ['Serum', 'Face Oil', 'Retinol Serum', 'Vitamin C Serum'], priceMedian: 34, features: { ingredient: ['Niacinamide', 'Retinol', 'Vitamin C', 'Peptide'] }, sizes: ['15 ml', '30 ml'], colored: false },
          { name: 'Sunscreen', nouns: ['Sunscreen', 'Mineral Sunscreen', 'Tinted SPF'], priceMedian: 20, features: { protection: ['SPF 30', 'SPF 50'] }, sizes: ['50 ml', '100 ml'], colored: false },
        ],
      },
      {
        name: 'Makeup',
        leaves: [
          { name: 'Lipstick', nouns: ['Lipstick', 'Lip Tint', 'Lip Gloss', 'Liquid Lipstick'], priceMedian: 19, features: { finish: ['Matte', 'Satin', 'Glossy', 'Sheer'] }, breadth: 1.2 },
          { name: 'Mascara', nouns: ['Mascara', 'Volumising Mascara', 'Lengthening Mascara'], priceMedian: 17, features: { finish: ['Waterproof', 'Tubing', 'Classic'] }, colored: false, complements: ['Makeup Remover'] },
          { name: 'Makeup Remover', nouns: ['Makeup Remover', 'Cleansing Oil', 'Remover Pads'], priceMedian: 12, features: { ingredient: ['Jojoba', 'Aloe', 'Micellar'] }, colored: false },
        ],
      },
      {
        name: 'Hair',
        leaves: [
          { name: 'Shampoo', nouns: ['Shampoo', 'Clarifying Shampoo', 'Dry Shampoo'], priceMedian: 15, features: { ingredient: ['Argan Oil', 'Keratin', 'Tea Tree', 'Rosemary'] }, sizes: ['250 ml', '500 ml'], colored: false, complements: ['Conditioner'], breadth: 1.2 },
          { name: 'Conditioner', nouns: ['Conditioner', 'Hair Mask', 'Leave-In Conditioner'], priceMedian: 16, features: { ingredient: ['Argan Oil', 'Coconut', 'Keratin', 'Shea'] }, sizes: ['250 ml', '500 ml'], colored: false },
        ],
      },
    ],
  },
  {
    name: 'Sports & Outdoors',
    appeal: 1.0,
    brands: ['Trailbound', 'Peakform', 'Summit Supply', 'Kinetic', 'Rivergate', 'Altura'],
    adjectives: ['Lightweight', 'All-Weather', 'Ultralight', 'Performance', 'Rugged', 'Packable', 'Breathable', 'Foldable'],
    colors: ['Forest Green', 'Black', 'Orange', 'Slate Blue', 'Sand', 'Red'],
    blurbs: [
      'Built to handle whatever the trail or the gym throws at it.',
      'Tested by athletes and designed for comfort over long sessions.',
      'This {noun} folds down small and sets up in minutes.',
      'Durable materials and a lifetime repair promise.',
    ],
    subcategories: [
      {
        name: 'Fitness',
        leaves: [
          { name: 'Yoga Mats', nouns: ['Yoga Mat', 'Travel Yoga Mat', 'Exercise Mat'], priceMedian: 38, features: { material: ['Natural Rubber', 'Cork', 'TPE', 'PVC-Free Foam'] }, sizes: ['4 mm', '6 mm'], complements: ['Resistance Bands', 'Water Bottles'], breadth: 1.2 },
          { name: 'Dumbbells', nouns: ['Dumbbell Pair', 'Adjustable Dumbbells', 'Kettlebell'], priceMedian: 70, priceSigma: 0.7, features: { material: ['Cast Iron', 'Neoprene', 'Rubber-Coated'] }, sizes: ['4 kg', '8 kg', '12 kg', '20 kg'] },
          { name: 'Resistance Bands', nouns: ['Resistance Band Set', 'Loop Bands', 'Pull-Up Band'], priceMedian: 19, features: { material: ['Latex', 'Fabric'] } },
          { name: 'Water Bottles', nouns: ['Water Bottle', 'Insulated Bottle', 'Sports Bottle'], priceMedian: 22, features: { material: ['Stainless Steel', 'Tritan', 'Glass'] }, sizes: ['500 ml', '750 ml', '1 l'] },
        ],
      },
      {
        name: 'Camping',
        leaves: [
          { name: 'Tents', nouns: ['2-Person Tent', 'Backpacking Tent', 'Family Tent', 'Pop-Up Tent'], priceMedian: 180, priceSigma: 0.6, features: { material: ['Ripstop Nylon', 'Polyester', 'Cotton Canvas'] }, complements: ['Sleeping Bags', 'Camping Lights'], breadth: 1.1 },
          { name: 'Sleeping Bags', nouns: ['Sleeping Bag', 'Mummy Sleeping Bag', 'Sleeping Quilt'], priceMedian: 95, priceSigma: 0.55, features: { material: ['Down', 'Synthetic Fill'] }, sizes: ['Regular', 'Long'] },
          { name: 'Camping Lights', nouns: ['Headlamp', 'Camping Lantern', 'String Lights'], priceMedian: 25, features: { power: ['USB Rechargeable', 'Solar', 'AA Battery'] } },
          { name: 'Backpacks', nouns: ['Hiking Backpack', 'Daypack', 'Travel Backpack'], priceMedian: 85, priceSigma: 0.5, features: { material: ['Ripstop Nylon', 'Recycled Polyester', 'Waxed Canvas'] }, sizes: ['20 l', '30 l', '45 l', '65 l'], complements: ['Water Bottles'], breadth: 1.2 },
        ],
      },
      {
        name: 'Cycling',
        leaves: [
          { name: 'Bikes', nouns: ['City Bike', 'Gravel Bike', 'Mountain Bike', 'E-Bike'], priceMedian: 900, priceSigma: 0.55, features: { frame: ['Aluminium Frame', 'Steel Frame', 'Carbon Frame'] }, sizes: ['S', 'M', 'L'], complements: ['Bike Helmets', 'Bike Lights'] },
          { name: 'Bike Helmets', nouns: ['Bike Helmet', 'Commuter Helmet', 'MIPS Helmet'], priceMedian: 65, sizes: ['S', 'M', 'L'] },
          { name: 'Bike Lights', nouns: ['Bike Light Set', 'Front Light', 'Rear Light'], priceMedian: 30, features: { power: ['400 lm', '800 lm', '1200 lm'] }, colored: false },
        ],
      },
    ],
  },
  {
    name: 'Toys & Games',
    appeal: 0.7,
    brands: ['Brickwell', 'Tinker Tots', 'Playloom', 'Wonderbox', 'Jolly Fox'],
    adjectives: ['Creative', 'Educational', 'Deluxe', 'Classic', 'Family', 'Junior', 'Giant', 'Mini'],
    colors: ['Multicolour', 'Red', 'Blue', 'Yellow', 'Green'],
    blurbs: [
      'Hours of screen-free fun for the whole family.',
      'Encourages creativity, problem solving and fine motor skills.',
      'Safety-tested and made from child-friendly materials.',
      'A favourite gift: this {noun} comes beautifully boxed.',
    ],
    subcategories: [
      {
        name: 'Building & Construction',
        leaves: [
          { name: 'Building Sets', nouns: ['Building Set', 'Brick Set', 'Marble Run', 'Construction Kit'], priceMedian: 45, priceSigma: 0.6, sizes: ['250 pieces', '500 pieces', '1,000 pieces'], breadth: 1.3 },
          { name: 'Wooden Toys', nouns: ['Wooden Train Set', 'Stacking Blocks', 'Shape Sorter'], priceMedian: 30, features: { material: ['Beech', 'Maple', 'Birch'] } },
        ],
      },
      {
        name: 'Games & Puzzles',
        leaves: [
          { name: 'Board Games', nouns: ['Board Game', 'Strategy Game', 'Party Game', 'Card Game'], priceMedian: 35, features: { players: ['2-4 players', '2-6 players', '3-8 players'] }, colored: false, breadth: 1.3 },
          { name: 'Jigsaw Puzzles', nouns: ['Jigsaw Puzzle', 'Panorama Puzzle'], priceMedian: 20, sizes: ['500 pieces', '1,000 pieces', '2,000 pieces'], colored: false },
        ],
      },
    ],
  },
  {
    name: 'Books',
    appeal: 0.8,
    titleStyle: 'book',
    brands: ['A. Whitford', 'M. Okafor', 'L. Castellano', 'J. Lindqvist', 'R. Mehta', 'S. Duval', 'K. Tanaka', 'E. Brennan'],
    adjectives: ['Silent', 'Last', 'Hidden', 'Golden', 'Winter', 'Lost', 'Midnight', 'Wild', 'Salt', 'Paper'],
    colors: [],
    blurbs: [
      'A gripping read that critics have called unputdownable.',
      'Beautifully written and full of unexpected turns.',
      'The perfect book for a long weekend.',
      'Now in paperback, with a new afterword by the author.',
    ],
    subcategories: [
      {
        name: 'Fiction',
        leaves: [
          { name: 'Novels', nouns: ['Harbor', 'Garden', 'Orchard', 'River', 'House', 'Summer', 'Letters'], priceMedian: 15, priceSigma: 0.3, features: { format: ['Paperback', 'Hardcover'] }, colored: false, breadth: 1.5 },
          { name: 'Mystery & Thriller', nouns: ['Witness', 'Alibi', 'Key', 'Signal', 'Stranger', 'Confession'], priceMedian: 14, priceSigma: 0.3, features: { format: ['Paperback', 'Hardcover'] }, colored: false, breadth: 1.3 },
        ],
      },
      {
        name: 'Non-Fiction',
        leaves: [
          { name: 'Cookbooks', nouns: ['Kitchen', 'Table', 'Bread', 'Feast', 'Pantry'], priceMedian: 28, priceSigma: 0.35, features: { format: ['Hardcover', 'Paperback'] }, colored: false },
          { name: 'Travel Guides', nouns: ['Roads', 'Coast', 'Islands', 'Mountains', 'Cities'], priceMedian: 22, priceSigma: 0.3, features: { format: ['Paperback'] }, colored: false },
        ],
      },
    ],
  },
  {
    name: 'Grocery',
    appeal: 0.8,
    brands: ['Good Grain', 'Hillside Roasters', 'Wildleaf', 'Cocoa & Co', 'Orchard Row'],
    adjectives: ['Organic', 'Fairtrade', 'Single-Origin', 'Artisan', 'Small-Batch', 'Premium'],
    colors: [],
    blurbs: [
      'Sourced directly from growers and packed fresh.',
      'Rich flavour with no artificial additives.',
      'A pantry favourite that customers reorder again and again.',
    ],
    subcategories: [
      {
        name: 'Coffee & Tea',
        leaves: [
          { name: 'Coffee Beans', nouns: ['Coffee Beans', 'Ground Coffee', 'Espresso Blend'], priceMedian: 14, priceSigma: 0.3, features: { roast: ['Light Roast', 'Medium Roast', 'Dark Roast'] }, sizes: ['250 g', '500 g', '1 kg'], colored: false, breadth: 1.4 },
          { name: 'Tea', nouns: ['Green Tea', 'Earl Grey', 'Chai', 'Herbal Tea', 'Matcha'], priceMedian: 9, priceSigma: 0.35, features: { form: ['Loose Leaf', 'Tea Bags'] }, sizes: ['20 bags', '100 g', '250 g'], colored: false },
        ],
      },
      {
        name: 'Snacks',
        leaves: [
          { name: 'Chocolate', nouns: ['Dark Chocolate', 'Milk Chocolate', 'Truffles', 'Chocolate Gift Box'], priceMedian: 7, priceSigma: 0.5, features: { cocoa: ['55% Cocoa', '70% Cocoa', '85% Cocoa'] }, colored: false },
          { name: 'Nuts & Dried Fruit', nouns: ['Mixed Nuts', 'Almonds', 'Dried Mango', 'Trail Mix'], priceMedian: 8, priceSigma: 0.35, sizes: ['200 g', '500 g', '1 kg'], colored: false },
        ],
      },
    ],
  },
  {
    name: 'Pets',
    appeal: 0.7,
    brands: ['Happy Paws', 'Tailwind', 'Furrever', 'Kibble & Co', 'Whisker Lane'],
    adjectives: ['Grain-Free', 'Durable', 'Cosy', 'Natural', 'Interactive', 'Premium', 'Everyday'],
    colors: ['Red', 'Navy', 'Teal', 'Grey', 'Pink'],
    blurbs: [
      'Vet-approved and loved by pets and their people.',
      'Made with real ingredients and nothing your pet does not need.',
      'Tough enough for enthusiastic chewers and easy to clean.',
    ],
    subcategories: [
      {
        name: 'Dogs',
        leaves: [
          { name: 'Dog Food', nouns: ['Dry Dog Food', 'Wet Dog Food', 'Puppy Food', 'Dog Treats'], priceMedian: 30, priceSigma: 0.55, features: { flavour: ['Chicken', 'Salmon', 'Lamb', 'Turkey'] }, sizes: ['2 kg', '6 kg', '12 kg'], colored: false, complements: ['Dog Toys'], breadth: 1.3 },
          { name: 'Dog Toys', nouns: ['Chew Toy', 'Tug Rope', 'Squeaky Ball', 'Puzzle Feeder'], priceMedian: 12, features: { material: ['Natural Rubber', 'Cotton Rope', 'Plush'] } },
          { name: 'Leashes & Collars', nouns: ['Leash', 'Collar', 'Harness'], priceMedian: 22, features: { material: ['Nylon', 'Leather', 'Biothane'] }, sizes: ['S', 'M', 'L'] },
        ],
      },
      {
        name: 'Cats',
        leaves: [
          { name: 'Cat Food', nouns: ['Dry Cat Food', 'Wet Cat Food', 'Kitten Food', 'Cat Treats'], priceMedian: 24, priceSigma: 0.5, features: { flavour: ['Chicken', 'Tuna', 'Salmon', 'Duck'] }, sizes: ['1.5 kg', '4 kg'], colored: false, complements: ['Cat Litter'] },
          { name: 'Cat Litter', nouns: ['Clumping Litter', 'Natural Litter', 'Litter Box'], priceMedian: 18, features: { material: ['Clay', 'Tofu', 'Pine', 'Silica'] }, colored: false },
        ],
      },
    ],
  },
];

/** Shoppers' countries with relative weights. */
export const DEMO_COUNTRIES: readonly (readonly [string, number])[] = [
  ['US', 34], ['GB', 14], ['DE', 11], ['FR', 8], ['CA', 7], ['AU', 5], ['NL', 5], ['ES', 4], ['IT', 4], ['SE', 3], ['IE', 2], ['NZ', 2], ['BE', 1],
];

export const DEMO_DEVICES: readonly (readonly [string, number])[] = [['mobile', 56], ['desktop', 36], ['tablet', 8]];

/** First-touch marketing sources (utm_source families). */
export const DEMO_SOURCES: readonly (readonly [string, number])[] = [['organic', 38], ['ads', 27], ['social', 20], ['email', 15]];

/** Review sentences by star rating; `{noun}` is replaced by the product noun (lower case). */
export const REVIEW_PHRASES: Readonly<Record<1 | 2 | 3 | 4 | 5, readonly string[]>> = {
  1: [
    'Very disappointed with this {noun}.',
    'Broke within the first week.',
    'Would not recommend — looks nothing like the photos.',
    'Poor quality, I returned it.',
    'Cheaply made and overpriced.',
  ],
  2: [
    'Not great: the {noun} feels flimsy.',
    'Expected better for the price.',
    'It works, but the quality is below average.',
    'Smaller than described and a bit disappointing.',
  ],
  3: [
    'It is okay, nothing special.',
    'Does the job, but I probably would not buy it again.',
    'Decent {noun} for the price.',
    'Average quality, arrived on time.',
  ],
  4: [
    'Really good {noun}, just a couple of small niggles.',
    'Solid quality and quick delivery.',
    'Happy with it — would recommend.',
    'Nice {noun}, works as expected.',
  ],
  5: [
    'Absolutely love this {noun}!',
    'Excellent quality, exceeded my expectations.',
    'Perfect — already ordered another one as a gift.',
    'Best {noun} I have owned. Five stars.',
    'Beautifully made and great value.',
  ],
};

export const REVIEW_TAILS: Readonly<Record<1 | 2 | 3 | 4 | 5, readonly string[]>> = {
  1: ['Save your money.', 'Asked for a refund.', ''],
  2: ['Might work for some people.', 'Customer service was helpful though.', ''],
  3: ['Fine for everyday use.', 'Packaging could be better.', ''],
  4: ['Delivery was fast.', 'Good value overall.', ''],
  5: ['Fast shipping too.', 'Highly recommend.', 'Will buy from this brand again.', ''],
};

export const BOOK_TITLE_STARTS = ['The', 'A', 'Beyond the', 'Under the', 'Notes from the', 'After the'] as const;
