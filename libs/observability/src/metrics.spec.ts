import { MosaicMetrics, RATE_LIMIT_KINDS } from './metrics';

describe(MosaicMetrics.name, () => {
  const series = async (sut: MosaicMetrics, name: string) =>
    (await sut.registry.metrics()).split('\n').filter((line) => line.startsWith(`${name}{`));

  it('should export no rate-limit series until the refusing service initializes them', async () => {
    const sut = new MosaicMetrics('planner');

    expect(await series(sut, 'mosaic_rate_limit_rejections_total')).toEqual([]);
  });

  it('should export every rate-limit kind from zero when initialized, so the first rejection shows in rate()', async () => {
    const sut = new MosaicMetrics('gateway');

    sut.initRateLimitRejections();

    expect(await series(sut, 'mosaic_rate_limit_rejections_total')).toEqual(
      RATE_LIMIT_KINDS.map((kind) => `mosaic_rate_limit_rejections_total{kind="${kind}",service="gateway"} 0`),
    );
  });

  it('should count rejections by kind when the gateway refuses requests', async () => {
    const sut = new MosaicMetrics('gateway');
    sut.initRateLimitRejections();

    sut.countRateLimitRejection('api_key');
    sut.countRateLimitRejection('api_key');
    sut.countRateLimitRejection('login_lockout');

    const values = Object.fromEntries((await sut.rateLimitRejections.get()).values.map((v) => [v.labels.kind, v.value]));
    expect(values).toEqual({ user: 0, api_key: 2, login_lockout: 1, token_budget: 0 });
  });
});
