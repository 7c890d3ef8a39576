import { type TLiteral, type TUnion, Type } from '@sinclair/typebox';

/** A union of string literals that keeps its literal type (`values.map` alone widens it to string). */
export const literals = <T extends readonly string[]>(values: T) =>
  Type.Union(values.map((v) => Type.Literal(v))) as unknown as TUnion<TLiteral<T[number]>[]>;
