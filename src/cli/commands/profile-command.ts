import type { Command } from 'commander';
import { computeUserProfile } from '../../analytics/profile.ts';
import { output, withContext, type GlobalFlags } from '../context.ts';
import { table } from '../format.ts';

/** Registers `cartwise profile USER`: the profile served by `GET /v1/users/:id/profile`. */
export function registerProfileCommand(program: Command): void {
  program
    .command('profile')
    .description("A user's profile: segment, RFM, favourite categories and brands, price band, recent items, lifetime value (same as GET /v1/users/:id/profile)")
    .argument('<userId>', 'the user id')
    .option('--json', 'print one JSON document')
    .action(async (userId: string, flags: GlobalFlags) =>
      withContext({ ...program.opts(), ...flags }, async (ctx) => {
        const p = await computeUserProfile(ctx.store, userId);
        output(ctx, p, () =>
          [
            `User ${p.userId} · ${p.segmentName} (${p.segment})${p.rfm ? ` · R${p.rfm.r} F${p.rfm.f} M${p.rfm.m}` : ''}`,
            `Seen ${p.firstSeen || '–'} → ${p.lastSeen || '–'} · ${p.events} events · ${p.orders} orders · lifetime value ${p.lifetimeValue}`,
            `Price band: ${p.priceBand ? `${p.priceBand.band} (median ${p.priceBand.medianPrice})` : '–'}`,
            `Favourite categories: ${p.favouriteCategories.map((c) => c.category).join(', ') || '–'}`,
            `Favourite brands: ${p.favouriteBrands.map((b) => b.brand).join(', ') || '–'}`,
            '',
            table(['recent item', 'title', 'last event', 'at'], p.recentItems.map((r) => [r.itemId, r.title, r.lastType, r.lastAt])),
          ].join('\n'),
        );
      }),
    );
}
