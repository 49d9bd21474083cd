import { existsSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { CartwiseError } from '../../core/errors.ts';
import type { ItemInput, UserInput } from '../../core/schemas/index.ts';
import { filePart, headerIndex, num, ok, rejected, type FieldSplit, type ImportPart, type RowMapper } from './import-format.ts';
import type { ImportFormat } from './import-format.ts';

/** Genre flag order of ml-100k's u.item (= u.genre). */
export const ML100K_GENRES = [
  'unknown', 'Action', 'Adventure', 'Animation', "Children's", 'Comedy', 'Crime', 'Documentary', 'Drama', 'Fantasy',
  'Film-Noir', 'Horror', 'Musical', 'Mystery', 'Romance', 'Sci-Fi', 'Thriller', 'War', 'Western',
] as const;

const YEAR_RE = /\((\d{4})\)\s*$/;

/** The release year of a MovieLens title such as `Toy Story (1995)`, else from a date such as `01-Jan-1995`. */
export function movieYear(title: string, releaseDate = ''): number | undefined {
  const m = YEAR_RE.exec(title) ?? /(\d{4})\s*$/.exec(releaseDate.trim());
  return m ? Number(m[1]) : undefined;
}

function movieItem(id: string, title: string, genres: string[], releaseDate = ''): ItemInput {
  const item: ItemInput = { id, title: title.trim() };
  const real = genres.filter((g) => g !== '(no genres listed)');
  if (real.length > 0) {
    item.category = real[0] as string;
    item.tags = real;
  }
  const attrs: Record<string, string | number> = {};
  const year = movieYear(title, releaseDate);
  if (year !== undefined) attrs['year'] = year;
  if (releaseDate.trim() !== '') attrs['releaseDate'] = releaseDate.trim();
  if (Object.keys(attrs).length > 0) item.attrs = attrs;
  return item;
}

/** u.item (ml-100k): `id|title|release date|video release date|IMDb URL|19 genre flags`. */
export function createMl100kItemMapper(): RowMapper {
  return ({ fields }) => {
    if (fields.length < 5 + ML100K_GENRES.length) return rejected(`expected ${5 + ML100K_GENRES.length} fields separated by |, got ${fields.length}`);
    const id = (fields[0] ?? '').trim();
    if (!/^\d+$/.test(id)) return rejected(`movie id \`${id}\` is not a number`);
    const genres = ML100K_GENRES.filter((_, g) => fields[5 + g] === '1');
    return ok([], [movieItem(id, fields[1] ?? '', genres, fields[2] ?? '')]);
  };
}

/** movies.dat (ml-1m, `id::title::A|B`) or movies.csv (ml-latest, `movieId,title,genres`). */
export function createMoviesMapper(): RowMapper {
  return ({ fields }) => {
    if (fields.length < 3) return rejected(`expected movieId, title, genres; got ${fields.length} field(s)`);
    const id = (fields[0] ?? '').trim();
    if (!/^\d+$/.test(id)) return rejected(`movie id \`${id}\` is not a number`);
    const genres = (fields[2] ?? '').split('|').map((g) => g.trim()).filter((g) => g !== '');
    return ok([], [movieItem(id, fields[1] ?? '', genres)]);
  };
}

/** u.user (`id|age|gender|occupation|zip`) and users.dat (`id::gender::age::occupation::zip`). */
export function createMovieUserMapper(layout: '100k' | '1m'): RowMapper {
  return ({ fields }) => {
    if (fields.length < 5) return rejected(`expected 5 fields, got ${fields.length}`);
    const [id, a, b, occupation, zip] = fields.map((f) => f.trim()) as [string, string, string, string, string];
    const [age, gender] = layout === '100k' ? [a, b] : [b, a];
    const attrs: Record<string, string | number> = { gender, occupation, zip };
    const ageNum = num(age);
    if (ageNum !== undefined) attrs['age'] = ageNum;
    const user: UserInput = { id, attrs };
    return ok([], undefined, [user]);
  };
}

/**
 * Ratings of every MovieLens release: `user item rating timestamp` (tab in u.data, `::` in ratings.dat, comma
 * in ratings.csv). One event of `type` with `rating`; the Unix-seconds timestamp × 1000 is its ts.
 */
export function createRatingMapper(type: string, columns?: Record<'userId' | 'movieId' | 'rating' | 'timestamp', number>): RowMapper {
  const c = columns ?? { userId: 0, movieId: 1, rating: 2, timestamp: 3 };
  return ({ fields }) => {
    if (fields.length < 4) return rejected(`expected user, item, rating, timestamp; got ${fields.length} field(s)`);
    const rating = num(fields[c.rating]);
    if (rating === undefined) return rejected(`rating \`${fields[c.rating] ?? ''}\` is not a number`);
    const tsText = (fields[c.timestamp] ?? '').trim();
    if (!/^\d+$/.test(tsText)) return rejected(`timestamp \`${tsText}\` is not Unix seconds`);
    return ok([{ type, userId: (fields[c.userId] ?? '').trim(), itemId: (fields[c.movieId] ?? '').trim(), rating, ts: Number(tsText) * 1000 }]);
  };
}

/** The file `name` or `name.gz` in `dir`, if present. */
function findFile(dir: string, name: string): string | undefined {
  for (const candidate of [join(dir, name), join(dir, `${name}.gz`)]) if (existsSync(candidate)) return candidate;
  return undefined;
}

function part(path: string, encoding: 'utf8' | 'latin1' | 'auto', split: FieldSplit, createMapper: ImportPart['createMapper'], header = false): ImportPart {
  return filePart('movielens', path, { syntax: split.kind === 'csv' ? { kind: 'csv' } : { kind: 'line' }, split, header, encoding, createMapper });
}

/**
 * Finds the MovieLens files under `path` (a release directory, or one of its files): ml-100k (`u.item`,
 * `u.user`, `u.data`), ml-1m/10m (`movies.dat`, `users.dat`, `ratings.dat`) or ml-latest (`movies.csv`,
 * `ratings.csv`), each plain or `.gz`. Catalogue and profiles come before the ratings.
 */
export function planMovieLens(path: string, type: string): ImportPart[] {
  if (!existsSync(path)) throw new CartwiseError('FILE_NOT_FOUND', { path });
  const dir = statSync(path).isDirectory() ? path : dirname(path);
  const parts: ImportPart[] = [];
  const withType = (p: ImportPart) => {
    if (type !== 'review') p.source = `${p.source}:${type}`;
    return p;
  };
  const uData = findFile(dir, 'u.data');
  if (uData) {
    const uItem = findFile(dir, 'u.item');
    const uUser = findFile(dir, 'u.user');
    if (uItem) parts.push(part(uItem, 'auto', { kind: 'separator', separator: '|' }, () => createMl100kItemMapper()));
    if (uUser) parts.push(part(uUser, 'auto', { kind: 'separator', separator: '|' }, () => createMovieUserMapper('100k')));
    parts.push(withType(part(uData, 'utf8', { kind: 'separator', separator: '\t' }, () => createRatingMapper(type))));
    return parts;
  }
  const ratingsDat = findFile(dir, 'ratings.dat');
  if (ratingsDat) {
    const movies = findFile(dir, 'movies.dat');
    const users = findFile(dir, 'users.dat');
    // ml-1m is Latin-1, later `.dat` releases UTF-8: decide from the bytes.
    if (movies) parts.push(part(movies, 'auto', { kind: 'separator', separator: '::' }, () => createMoviesMapper()));
    if (users) parts.push(part(users, 'auto', { kind: 'separator', separator: '::' }, () => createMovieUserMapper('1m')));
    parts.push(withType(part(ratingsDat, 'auto', { kind: 'separator', separator: '::' }, () => createRatingMapper(type))));
    return parts;
  }
  const ratingsCsv = findFile(dir, 'ratings.csv');
  if (ratingsCsv) {
    const movies = findFile(dir, 'movies.csv');
    const csv: FieldSplit = { kind: 'csv', delimiter: ',' };
    if (movies) {
      parts.push(part(movies, 'utf8', csv, (h) => {
        const c = headerIndex(h, ['movieId', 'title', 'genres'], movies);
        const map = createMoviesMapper();
        return (row) => map({ ...row, fields: [row.fields[c.movieId] ?? '', row.fields[c.title] ?? '', row.fields[c.genres] ?? ''] });
      }, true));
    }
    parts.push(withType(part(ratingsCsv, 'utf8', csv, (h) => createRatingMapper(type, headerIndex(h, ['userId', 'movieId', 'rating', 'timestamp'], ratingsCsv)), true)));
    return parts;
  }
  throw new CartwiseError('IMPORT_FAILED', { reason: `no MovieLens ratings file (u.data, ratings.dat or ratings.csv, optionally .gz) in ${dir}` });
}

export const movieLensFormat: ImportFormat = {
  name: 'movielens',
  argument: 'dir',
  summary: 'MovieLens 100K / 1M / latest → rating events, movies as items, user profiles',
  help: `Reads a MovieLens release directory (files plain or .gz):
  ml-100k     u.item, u.user, u.data          (| and tab separated, u.item in Latin-1)
  ml-1m/10m   movies.dat, users.dat, ratings.dat  (:: separated, Latin-1 or UTF-8)
  ml-latest   movies.csv, ratings.csv          (CSV with header)
The text encoding of .dat and u.* files is detected (UTF-8 unless the first 256 KiB are not, then Latin-1).

Mapping:
  each rating           → event of --type (default review) with rating, user, item,
                          ts = timestamp (Unix seconds) × 1000
  movie                 → item: title, category = its first genre, tags = all genres,
                          attrs.year (from "Title (1995)" or the release date), attrs.releaseDate
  user (u.user/users.dat) → user profile: age, gender, occupation, zip`,
  options: [{ flags: '--type <type>', description: 'event type of the ratings', defaultValue: 'review' }],
  async plan(path, values) {
    const type = values['type'] ?? 'review';
    if (!/^[a-z][a-z0-9_]{0,63}$/.test(type)) throw new CartwiseError('INVALID_PARAM', { name: '--type', reason: `\`${type}\` is not an event type` });
    return planMovieLens(path, type);
  },
};
