export * from './event.ts';
export * from './item.ts';
export * from './user.ts';
export * from './validate.ts';
