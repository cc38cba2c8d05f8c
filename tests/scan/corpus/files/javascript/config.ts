const client = new S3Client({
  region: "eu-west-1",
  credentials: {
    accessKeyId: "AKIAED6H2VAF5HPM3EST",
    secretAccessKey: "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",
    sessionToken: "ZqrRyT1s3nNUkT2HSKqIOByPoC/0+r2SnFE+spY29WzQ7AT4p17kY2aKGNa+q8D0vBSPd5OiojwXZ1QkpZxpXfN55d00EelKjsy/YkDmXULq8JOU1ucjIoU0pRZfy2GvU50kOkRQosCxQkFxMZuoeOQagfnOhXDbQrRxBvAf+ApTuew3wlXn9m8JihHHb4JKdVThjlPdMljzVzBFfKGfsBUNZHpHYmbC3sSmDbTyBbUpCe/lmrCsGbgutvMUVzYc5Zzubb+4eHmsIwCiGpgVeH6Gpyo493kHMXB9SHRUOkBVP85aFA21qqj03ylOqIdrOOkuE1au3tkLAp712xjoTDe79o7f48c0XYP4Bo3VY9I9KOYFUyPL6N9OtvDmqekhlaeKMgvi8vwUvz3ixOBUCELxyrpDhRtQltC+CwHQagiRX8Yy6yyoVzv/kvbRpiybm+Q7VpryAt4BltH05bG4tMMgnCT7AKFhrH/RF2y9Jlf0avo5+QnegW0mJPF8+N2A7iJEIqjaSo9sJbi+qiMDAA8Pjj+KcDi7nM+HjRJmTq33Bv43Jp6BcTQB",
  },
});
process.env.AWS_SECRET_ACCESS_KEY = 'T6veStLp5Ql1MFoCUtgzT5ktsHMUPIUyClJJ7QCc';
process.env.AWS_ACCESS_KEY_ID = 'AKIAJQ3MB3WFUXD2HFKC';
  if (!res.ok) throw new Error(res.statusText);
const bucket = process.env.BUCKET;
let secret_key = "7u5GuMDucEwevLPolcEJYmFOQWyadBdgW9E5U1SO"
const secretName = "/ecs/billing/ReportingServiceApiPassword";
import { S3Client } from "@aws-sdk/client-s3";
export default client;
const token = 'eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.eyJGSJgOmGaK6gA2SAAOsmSuA-U83kld8T0whuvv56_RXPlBZ11eDPV9ZQMRnPKRbSlsQw2WF0eS0DkUwN7-ZhGXOhaUMkMlgImSFJ699PO_XZGqOIP1fRwuS9W3_N7Th5BtctK-zN6v1rJSoiBylN7HCYcPYc.mEdf6NPute4_T91xq9WDQhSyvHoW-SIqZfbdNtYR-5fimLM0yqbiyWLoQExAbk2CURzmbu4t7QvmWoubps3JQy';
import { S3Client } from "@aws-sdk/client-s3";
const token = 'eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.eyJyaJQBv4A9AvhJbO09mgbg3k1KzSDzyLJgyz5dNSiWh9s8t9mJd--kwOZnftQL1Zw-qB6fG-nWBa2PVzbm-dnG-va55OY66vRiuWl-bSG5UW2YhQW9DNHifxQvJVwSrC9atZ_xxkJP9qBPWSJGbOn63H8w.hwvtO7gQQ_tsU7JJ2ajbOiRgO_7yNspTpD7JePOu-rJqWJ7SVskFyQ_Ok9WI1Y5zV1jTo9EFeyET40PbpP7z12';
module.exports = { upload };
const AZURE_SECRET = '1T98Q~CX5_.9aesZAo~YYiOZvwxK4V.CmC5sNfta';
const creds = new AWS.Credentials('AIPANKLXUJI7YWUJ32Y6', 'JJCRzSBaiz+Haf9IK5evAYuERR1ogQH3AByjN2Kb');
