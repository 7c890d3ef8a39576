/** Merchants by category, with the spending pattern of each category (log-normal median and spread). */
export interface Merchant {
  name: string;
  category: string;
  medianAmount: number;
  sigma: number;
}

const category = (name: string, medianAmount: number, sigma: number, merchants: string[]): Merchant[] =>
  merchants.map((m) => ({ name: m, category: name, medianAmount, sigma }));

export const MERCHANTS: readonly Merchant[] = [
  ...category('grocery', 42, 0.6, [
    'Fresh Basket Market',
    'Greenleaf Grocers',
    'Corner Pantry',
    'Harvest Lane Foods',
  ]),
  ...category('restaurant', 31, 0.5, [
    'Luna Trattoria',
    'Smoke & Oak BBQ',
    'Sakura Sushi Bar',
    'The Daily Grind',
  ]),
  ...category('fashion', 68, 0.7, ['Northwind Apparel', 'Urban Thread', 'Kestrel Outdoor']),
  ...category('electronics', 160, 0.9, ['Voltline Electronics', 'Pixel Forge', 'Circuit House']),
  ...category('travel', 320, 0.7, ['SkyBridge Airlines', 'Harbor View Hotels', 'Metro Rail Tickets']),
  ...category('subscriptions', 12, 0.4, ['StreamWave', 'CloudNote Pro', 'FitTrack Plus']),
  ...category('home', 85, 0.8, ['Oak & Iron Furniture', 'Brightside Hardware']),
];

/** Where fraudsters cash out: resellable goods and stored value. */
export const FRAUD_MERCHANTS: readonly string[] = [
  'Voltline Electronics',
  'Pixel Forge',
  'GiftHub Cards',
  'CoinDash Exchange',
  'LuxeTime Watches',
];

/** Largest normal amount; far below the 10,000 of `transactions.large-amount`. */
export const MAX_NORMAL_AMOUNT = 4_950;
