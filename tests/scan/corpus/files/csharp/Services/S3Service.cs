{
var session = new SessionAWSCredentials("ASIABPSSYJKEJEIVDFKW", "mQZ4gEVOCnsk3t9wYhAVvNzFFJMTKczu/1SHBchG", "IQoJb3JpZ2luX2VjEEGMa2+i7ZhJ3UXddrrmCBLkGGuPUmp01+tZ/d3rn0/T5+K5awp0xCgS3KxZFKnUdWM7t2lu5WFOXR7uQQI/oT6cTYxBw4dFQnxMC6CIGH8NPzuu3U/udkvrjkeuhYHv9IyRIBuCxPDXWqdFVQnJ2DjarZj5bsPuEgtGrI8kqIq/UNF5Dr/6QCRaI9pOxUiWrVk2/AFny75f91k8bqABBZx1HcTWqLeNoUduxqWFss06uAXFTf2dvn2DkRTaRNQnLWqv2r+aI9OZWhn73QNM3t0qe/mcG7ygb8bZDHSleMaJXCfCE/+L1qzbkWqVqN9DRB0vO7f97x+i5X6SqvfibJF9");
using Amazon.S3;
{
{
  "AWS": {
    "Profile": "default",
    "AccessKey": "AROAKIFKZ5S2AECTPLJR",
    "SecretKey": "H/kCWiYxfyThvZw/Y2x95pzMhMqVHqD7Ev6hWXTT"
  }
}
    public class S3Service
        await client.ListBucketsAsync();
const string Sha = "B635ADC301B2FBB5EB93FD264F677FCD8E700DC4";
    public class S3Service
}
var session = new SessionAWSCredentials("ASIAVYH5WRAVJJQTISL6", "5T4hkDXRjBQj9xF5tkDYVJ0xukfQ/n2VYBrdDKgd", "IQoJb3JpZ2luX2VjEN7//////////OnG7JD6zd+UG49RRFnOZi0N5I3j+pGey5SkMHUImSzwvEoP/MIzaLDofUh1owXawbvTwi1aKRqCEz8HGtYzBa+9gzvTgP4v5K4pKymSPTgMFxbe7tJDEVqb/zrHP8ZHevFgY+lvZhB11iPMwe9RoaXreTd0eigmm1PLq5TNQ1r8Nfy5zaKFkK3pv1/PtHSkEbdBm/t54/y0zLHFKraQwm9YyD9XWJvCZctAa8fk2t5cizXlKqjfLppKkr/MqHEenI50Trbrtuwzx86r/HEW8VEiMHyGGttwpgDJTI7m7t1z/np0hxnzpdLNUYQEwpWiNixDinK5lgOA/UR3HaTbYKhrFrkRhCdWOdKLtWKhFxPExnxkRsZ8mFG0CSm7B9kttaDun93perFaJenVHSVy9vPALqAvPvHzn/uPsPGIS2ztZXJ1mW8IUMgxoFPPIaBInNULr1J0BY9V1vQ2sTjtDRLuPL9wqkXjClGqIykWSsdKehWNXou2riVF3U4zbcYGJWndkHx+lRtzFYns/WrNA6yiC81UuVD78jgDr91CEIE4KB0lz02IfQobcjgzSMS26GDT3wrW9F5FdQY/CNUGMxsdOl9mGy4whe5U2YYwGcufmCKbGvBN+fip9l8VHuC8XIm9IOZ0HPIk5FfaVjZK0TcbkJnef0aFMw+p+YVIiHGxBmm0");
namespace Acme.Storage
}
var credentials = new BasicAWSCredentials("AGPAIHOXXOS72UY3HTIS", "Nuvr1GUDruGBBmMluaJaISkWt/dIUn/SWkY/XEcu");
namespace Acme.Storage
        await client.ListBucketsAsync();
private const string AwsSecretKey = "curpp4dUnOHrIy8t4pq4UIWiZy/gxxdtdj2tHQkB";
private const string AwsAccessKey = "AKIARZNLDI5MVHKXTQ3X";
