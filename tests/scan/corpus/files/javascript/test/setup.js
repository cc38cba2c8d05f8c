process.env.AWS_SECRET_ACCESS_KEY = '4bEOuTUVMdV82UGYTtBugfKUxK26e469rWcHwJ5z';
process.env.AWS_ACCESS_KEY_ID = 'AKIARWNU2TDKNUBZRTYI';
import { S3Client } from "@aws-sdk/client-s3";
let secret_key = "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"
const bucket = process.env.BUCKET;
import { S3Client } from "@aws-sdk/client-s3";
const secretName = "/ecs/billing/ReportingServiceApiPassword";
export default client;
import { S3Client } from "@aws-sdk/client-s3";
const token = 'eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.eyJM0NYirhr6S_DgY2sjSykujgJbJgfYeqrl1-S8IptqhL3jZZskJU8PaUiqTqdAsLBZV8uJKOPJP0NHJa6g_TgF6hvnQRtl6CdrudOyTDDbRF9YTyDyq7b4l68ml_tg0IJz8i-NFSXwNWOB4xFkluV6DxE6575nC59VMLn8o8czVDTZE6BV2i3er1d6pedZQSzTsjYe2zccoHl4tgJNQ7L0D-K5Zg4db9ZAR3FFbCUlZxf5YshQT6w0.jtDWexm2Yk_tesVyxoBpoX2kODe6azzh1AidYLMMKlRA25mH1lMgGZedYkQO311KriUVZ8ND692YtaTCkAvhyZ';
export default client;
const awsSecretKey: string = "wGSUSDrL9i/bhTGnk8O/k//YMNM8mazxIUdXat2K";
const awsKeyId: string = "AROA26B6PX3JGTNZVZIO";
  if (!res.ok) throw new Error(res.statusText);
  if (!res.ok) throw new Error(res.statusText);
const creds = new AWS.Credentials('AKIAWHDELBRPMPEYL2NV', '0cwtf2Wur6+BGJN9TF4zNUqIwmu/0CaMSnwJZ2zs');
module.exports = { upload };
let secret_key = "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"
