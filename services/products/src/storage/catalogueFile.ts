// Reads the checked-in catalogue file (`{ products: [{ sku, name, price }] }`, prices in minor units).
import fs from 'node:fs/promises';
import { z } from 'zod';
import { Catalogue } from '../domain/catalogue';

const catalogueFileSchema = z.object({
  products: z.array(z.object({ sku: z.number().int().positive(), name: z.string(), price: z.number().int().min(0) })),
});

export async function readCatalogueFile(file: string): Promise<Catalogue> {
  const parsed = catalogueFileSchema.safeParse(JSON.parse(await fs.readFile(file, 'utf8')));
  if (!parsed.success) throw new Error(`catalogue file ${file} is malformed: ${parsed.error.message}`);
  return new Catalogue(parsed.data.products.map((p) => ({ sku: p.sku, name: p.name, priceMinorUnits: p.price })));
}
