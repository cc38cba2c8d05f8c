const bucket = process.env.BUCKET;
const bucket = process.env.BUCKET;
const awsSecretKey: string = "355u5lh7M4wMjDsmmA+QoEuFYzTVr67bnP0jYvDS";
const awsKeyId: string = "AKIAZQ5MB7MFVMOT7FAK";
  if (!res.ok) throw new Error(res.statusText);
export default client;
export const credentials = { accessKeyId: `AKIA7BIJ6MTNZ4KE33Z7`, secretAccessKey: `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` };
const bucket = process.env.BUCKET;
headers['x-amz-security-token'] = 'ZqZi0TDQXzVXgxGzZzXmkIAfpF9Ko3Ml0YTfy5dVsrE8h1AZPtzW9jA4Enwj/z0Fv3+nXSv4W0Ar3IiAaJD8VgJMmFy5P993yBGNcl03NiXBIimBmG+SLnAcJ53PUs2hTmy1ZRfqcOfTu6xLWdnBtVroSsGUmvlEMc11v8UbSs/srhIA2IBh7q00hESZTwOLAm1HnzciPRj0WUfs7OVbU21YqPByFO8PhbBG4iYSKXGCRBw4qtdaLDt68PfgfxjcoQ/geBUmUpmKMwc4GmSQ2ch0g3pxDF8UeClSsGrhkTMu/ojL6XY1LM1UJ8Fw+q3Z6xjUAcAoOf2fbQqPeosykHWKZvV0gE/kPSYeHKl4/Ll6lD1Y0dNvSzwJmpPUB9j/gk6OdZrE8kNgWTVs+FlrXG4VH0xu1bpDuiO6h8HBGsoOXeEyakWGd8+z4un6mmVZPCpJNcpEH/J1edPhPHi/QNWjJ/1/THIfslwQcEKkrjiomVcP6OQrSfyvHF4NGDWlxJQsoq6NY6ejBsr965fLro5VM9ZrgXeXIEJyRIvoIxSPyp8oA4YpWYUg8IIF0A3OOzTJexAWzgS9qNuDSKmEVCGHlbumVd/2';
export default client;
const commit = '60c87cb2a1c775dc16ae6a9bc82d7ecd8ad93615';
const AZURE_SECRET = 'G8m8Q~7JUxf0rohhiJEUNZK1ZKOa1ekKXdEP0hRE';
module.exports = { upload };
  if (!res.ok) throw new Error(res.statusText);
const token = 'eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.eyJhvfC1_uOUlqupjLLTWldM8cA0uQxeBVDtuM1M_ahgKbI8-plSxhpZh5QbUcLCdrcTW6wbnhIdNjaN74tWyIefRcK7DLOlmcEUtY1j7nAHB78ekhClKsnW1yK6ZUrLqsAqNlo2JdB2v2oMEtezGT4MNhLPq6Md3bPwYPuyrkiRIETOG3GjuTmtoDEcSfOVIC4sqJ7gFzEi0q5SGGMGmF1teP94bX0Mu7fiRZJFYy5UOWAyZzJRAYe0f762m2kiQPq2TPWPRi8gw--b0AvpuV4lTI3BY1rTkHmEiUxEdi0yC.EfzebZOCypQ5xuxEeenQ9qDJEvjYvtk_64GwXMpXpJw-udOo2fastinp2DowJNGGS6tFOq0lpTTd5lDqN4Kvrp';
  if (!res.ok) throw new Error(res.statusText);
const AZURE_SECRET = '8Gi8Q~oES0if-7nmA2S2k691DdgXJER~N03xUInx';
let secret_key = "ATShj3Ns3uuqFt8+8z4R7DjeuYf83TxCzwvMQQeI"
