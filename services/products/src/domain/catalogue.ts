// The product catalogue: name and unit price by SKU, and SKUs in ascending pages.
export interface Product {
  sku: number;
  name: string;
  priceMinorUnits: number;
}

export class ProductNotFoundError extends Error {
  readonly code = 'PRODUCT_NOT_FOUND';
  constructor(readonly sku: number) {
    super(`product ${sku} not found`);
    this.name = 'ProductNotFoundError';
  }
}

export class Catalogue {
  private readonly bySku = new Map<number, Product>();
  private readonly sortedSkus: number[];

  constructor(products: Product[]) {
    for (const p of products) this.bySku.set(p.sku, p);
    this.sortedSkus = [...this.bySku.keys()].sort((a, b) => a - b);
  }

  get size(): number {
    return this.sortedSkus.length;
  }

  get(sku: number): Product {
    const product = this.bySku.get(sku);
    if (!product) throw new ProductNotFoundError(sku);
    return product;
  }

  /** Up to `count` SKUs greater than `startAfterSku`, ascending. */
  listSkus(startAfterSku: number, count: number): number[] {
    let lo = 0;
    let hi = this.sortedSkus.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.sortedSkus[mid] ?? 0) <= startAfterSku) lo = mid + 1;
      else hi = mid;
    }
    return this.sortedSkus.slice(lo, lo + count);
  }
}
