/**
 * The search embedder a configuration asks for (`searchEmbedder` and its `searchEmbedder*` settings, see
 * `core/config.ts`), checked as a whole so that a missing or bad companion setting is named at start-up.
 */
import { existsSync } from 'node:fs';
import type { Config } from '../core/config.ts';
import { CartwiseError } from '../core/errors.ts';
import { OpenAiEmbedder, type Embedder } from './embedder.ts';
import { LocalModelEmbedder } from './local-model-embedder.ts';

type EmbedderSettings = Pick<Config, 'searchEmbedder' | 'searchEmbedderModel' | 'searchEmbedderUrl' | 'searchEmbedderDimensions' | 'searchEmbedderApiKey'>;

/** The embedder for `SearchServiceOptions.embedder`: undefined when off, `'hashing'` for the built-in one. */
export function embedderFromConfig(config: EmbedderSettings): Embedder | 'hashing' | undefined {
  const need = (key: keyof EmbedderSettings, why: string) => {
    if (config[key] === undefined) throw new CartwiseError('CONFIG_INVALID', { key, reason: `required when searchEmbedder is ${config.searchEmbedder} (${why})` });
  };
  switch (config.searchEmbedder) {
    case 'off':
      return undefined;
    case 'hashing':
      return 'hashing';
    case 'local': {
      need('searchEmbedderModel', 'the model directory');
      const dir = config.searchEmbedderModel as string;
      if (!existsSync(dir)) throw new CartwiseError('CONFIG_INVALID', { key: 'searchEmbedderModel', reason: `directory ${dir} does not exist` });
      return new LocalModelEmbedder(dir);
    }
    case 'openai':
      need('searchEmbedderUrl', 'the endpoint base URL');
      need('searchEmbedderModel', 'the model name');
      need('searchEmbedderDimensions', 'the vector size');
      return new OpenAiEmbedder({
        baseUrl: config.searchEmbedderUrl as string,
        model: config.searchEmbedderModel as string,
        dimensions: config.searchEmbedderDimensions as number,
        ...(config.searchEmbedderApiKey ? { apiKey: config.searchEmbedderApiKey } : {}),
      });
  }
}
