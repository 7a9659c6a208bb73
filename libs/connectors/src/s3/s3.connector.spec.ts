import { keywords } from '@mosaic/llm';
import { credentialsFromEnv, directRoute, missingCredentials } from '../connector';
import { injectParameters } from '../parameter-injection';
import { excerpt, questionTerms, s3Connector } from './s3.connector';

describe('s3Connector', () => {
  const sut = s3Connector;

  it('should map the credential fields to their env vars when read from the environment', () => {
    const credentials = credentialsFromEnv(sut, {
      S3_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE',
      S3_SECRET_ACCESS_KEY: 'secret',
      S3_ENDPOINT: 'http://127.0.0.1:9000',
      S3_BUCKET: 'acme-reports',
      HOME: '/root',
    });

    expect(credentials).toEqual({ access_key_id: 'AKIAIOSFODNN7EXAMPLE', secret_access_key: 'secret', endpoint: 'http://127.0.0.1:9000', bucket: 'acme-reports' });
    expect(missingCredentials(sut, {})).toEqual(['S3_ACCESS_KEY_ID', 'S3_SECRET_ACCESS_KEY']);
    expect(sut.credentialFields.find((f) => f.name === 'secret_access_key')?.type).toBe('password');
  });

  it('should launch the server with only the env it needs when optional fields are empty', () => {
    let spec;
    try {
      spec = sut.launch({ access_key_id: 'AKIAIOSFODNN7EXAMPLE', secret_access_key: 'secret', region: '', bucket: 'acme-reports' });
    } catch (error) {
      // Before `npm run build` the entry point does not exist; the error says so.
      expect(String(error)).toContain('s3/s3-mcp.main.js');
      return;
    }
    expect(spec).toMatchObject({ kind: 'stdio', command: process.execPath });
    expect(spec.kind === 'stdio' && spec.env).toEqual({ S3_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE', S3_SECRET_ACCESS_KEY: 'secret', S3_BUCKET: 'acme-reports' });
  });

  it('should probe with a real list_buckets call', () => {
    expect(sut.probe).toEqual({ tool: 'list_buckets', args: {} });
  });

  it('should fill the default bucket into list_objects and get_object only when the caller left it out', () => {
    const context = { query: 'q3 revenue', credentials: { bucket: 'acme-reports' } };
    const injections = sut.injections ?? [];

    expect(injectParameters(injections, 'get_object', { key: 'a.md' }, context)).toEqual({ key: 'a.md', bucket: 'acme-reports' });
    expect(injectParameters(injections, 'list_objects', { bucket: 'acme-logs' }, context)).toEqual({ bucket: 'acme-logs' });
    expect(injectParameters(injections, 'search_objects', { buckets: ['acme-logs'] }, context)).toEqual({ buckets: ['acme-logs'] });
  });

  it.each([
    ['Which buckets do we have?', 'list_buckets'],
    ['list buckets', 'list_buckets'],
    ['What was Q3 revenue according to the finance report?', undefined],
    ['Find the checkout outage postmortem in the reports bucket', undefined],
  ])('should route %j to %s', (query, tool) => {
    expect(directRoute(sut, query)?.tool).toBe(tool);
  });
});

describe(questionTerms.name, () => {
  it('should keep short codes with a digit when keywords drops them as too short', () => {
    expect(questionTerms('What was Q3 revenue in the EU for v2?')).toEqual(['revenue', 'q3', 'v2']);
  });
});

describe(excerpt.name, () => {
  const report = [
    '# Q3 2024 revenue summary',
    '',
    'Total revenue for Q3 2024 was $4.2M, up 12% on Q2.',
    '',
    '## Refunds',
    '',
    'Refunds rose to $180k after the September billing incident.',
    '',
    '## Outlook',
    '',
    'Guidance for Q4 is $4.6M.',
  ].join('\n');

  it('should keep the paragraphs that match the question in document order when several do', () => {
    const result = excerpt(report, keywords('refunds after the billing incident'), 500);

    expect(result).toBe('## Refunds\nRefunds rose to $180k after the September billing incident.');
  });

  it('should join passages that are not adjacent with an ellipsis line when they are far apart', () => {
    const result = excerpt(report, keywords('revenue guidance'), 500);

    expect(result).toBe('# Q3 2024 revenue summary\nTotal revenue for Q3 2024 was $4.2M, up 12% on Q2.\n…\nGuidance for Q4 is $4.6M.');
  });

  it('should return the beginning when nothing matches', () => {
    expect(excerpt(report, keywords('parking policy'), 500)).toBe('# Q3 2024 revenue summary');
  });

  it('should pick matching rows under the header when a long CSV is given', () => {
    const csv = ['order_id,date,amount,reason', ...Array.from({ length: 200 }, (_, i) => `${i},2024-09-01,10.00,${i === 150 ? 'billing incident' : 'damaged'}`)].join('\n');

    const result = excerpt(csv, keywords('billing incident refunds'), 300, { header: true });

    expect(result).toBe('order_id,date,amount,reason\n150,2024-09-01,10.00,billing incident');
  });

  it('should stay within maxChars when one passage is longer', () => {
    const result = excerpt(`${'revenue '.repeat(200)}`, keywords('revenue'), 100);

    expect(result.length).toBeLessThanOrEqual(100);
    expect(result.endsWith('…')).toBe(true);
  });
});
