"""Wire-style Afghan news texts written for these tests (AP, Reuters, AFP, Al Jazeera, TOLOnews
conventions), with the quotes, speakers, sides and fragment flags a reader would give them."""

AP = """Taliban claim full control of Panjshir, resistance vows to fight on

KABUL, Afghanistan (AP) — The Taliban said Monday they had taken control of Panjshir province, the last holdout of anti-Taliban forces in Afghanistan, but the resistance said it was still fighting in the valley.

“With this victory, our country is completely taken out of the quagmire of war,” Taliban spokesman Zabihullah Mujahid told a news conference in Kabul.

Mujahid said the group would not harm the people of the valley. “The people of Panjshir are our brothers,” he said. “They will be safe.”

But Ali Maisam Nazary, the head of foreign relations for the National Resistance Front, said on Twitter that the claim was false. “Taliban claims of occupying Panjshir are false,” he wrote. “The NRF forces are present in all strategic positions across the valley to continue the fight.”

Resistance leader Ahmad Massoud called for a national uprising in an audio message posted online.

“Wherever you are, inside or outside, I call on you to start a national uprising for the dignity, freedom and prosperity of our country,” he said.

U.S. Secretary of State Antony Blinken, speaking in Qatar, said Washington would judge the Taliban by their actions. “The world is watching,” he said.

A Taliban commander in the valley, who spoke on condition of anonymity because he was not authorized to talk to reporters, said fighting continued in some districts.

Associated Press writer Kathy Gannon contributed from Islamabad.
"""

AP_QUOTES = [
    ("With this victory", "Zabihullah Mujahid", "taliban", False),
    ("The people of Panjshir", "Zabihullah Mujahid", "taliban", False),
    ("They will be safe.", "Zabihullah Mujahid", "taliban", False),
    ("Taliban claims of occupying", "Ali Maisam Nazary", "nrf", False),
    ("The NRF forces are present", "Ali Maisam Nazary", "nrf", False),
    ("Wherever you are", "Ahmad Massoud", "nrf", False),
    ("The world is watching", "Antony Blinken", "other", False),
]

REUTERS = """KABUL, Sept 6 (Reuters) - Taliban forces have taken control of the Panjshir valley, the last province holding out against them, the group said on Monday, but opposition forces said they were still fighting.

"Panjshir, which was the last hideout of the escaped enemy, is captured," Mujahid said in a statement. Zabihullah Mujahid is the group's chief spokesman.

The National Resistance Front of Afghanistan (NRFA) said it had strategic positions across the valley. "We want to assure the people of Afghanistan that the struggle against the Taliban and their partners will continue until justice and freedom prevail," it said on Twitter.

Former vice president Amrullah Saleh, who has declared himself caretaker president and is in the valley with the resistance, said the situation was "difficult".

Pakistan's foreign minister, Shah Mahmood Qureshi, told reporters in Islamabad: "We want a peaceful and stable Afghanistan."

"They have no legitimacy," said Fahim Dashti, a spokesman for the resistance, in a Facebook post shortly before he was killed.

(Reporting by Kabul newsroom; Writing by Editing staff)
"""

REUTERS_QUOTES = [
    ("Panjshir, which was", "Zabihullah Mujahid", "taliban", False),
    ("We want to assure", "National Resistance Front", "nrf", False),
    ("difficult", "Amrullah Saleh", "nrf", True),
    ("We want a peaceful", "Shah Mahmood Qureshi", "other", False),
    ("They have no legitimacy", "Fahim Dashti", "nrf", False),
]

AFP = """Taliban spokesman Zabihullah Mujahid told a press conference in Kabul on Tuesday that the movement had no quarrel with its neighbours.

Mujahid told reporters:

“The war is over. We want peaceful relations with the world.”

Asked about women's rights, he said women would be allowed to work “within the framework of Islamic law”.

Resistance spokesman Fahim Dashti rejected the announcement. “This government is illegitimate,” he told AFP by telephone from Panjshir.

A senior Taliban commander, Mawlawi Fasihuddin, said his fighters had surrounded the valley. “We gave them a chance to surrender,” he said.

“Panjshir is not surrendering.” ― Amrullah Saleh, on Twitter

A UN spokesman, Stephane Dujarric, said the organisation was “deeply concerned” about the humanitarian situation in the valley.
"""

AFP_QUOTES = [
    ("The war is over.", "Zabihullah Mujahid", "taliban", False),
    ("within the framework of Islamic law", "Zabihullah Mujahid", "taliban", True),
    ("This government is illegitimate", "Fahim Dashti", "nrf", False),
    ("We gave them a chance", "Mawlawi Fasihuddin", "taliban", False),
    ("Panjshir is not surrendering", "Amrullah Saleh", "nrf", False),
    ("deeply concerned", "Stephane Dujarric", "other", True),
]

ALJAZEERA = """Nazary told Al Jazeera that the NRF was ready for talks but would not surrender.

“We are ready to negotiate, but the Taliban must accept a decentralised system in which all ethnic groups are represented.

“If they do not, we will continue to resist,” he said.

Abdul Rahman, a shopkeeper in the Panjshir capital Bazarak, said the fighting had forced his family to flee to Kabul. “We left everything behind,” he said. “Our houses, our land, everything.”

The Islamic Emirate said in a statement that its forces had cleared the valley of “rebels and mercenaries”.

“The Taliban have shown their real face,” said Ahmad Massoud, the leader of the resistance. “They do not believe in an inclusive government.”

An analyst at a Kabul think tank, who asked not to be named for fear of reprisals, said: “Both sides are exhausted. Neither can win outright.”
"""

ALJAZEERA_QUOTES = [
    ("We are ready to negotiate", "Ali Maisam Nazary", "nrf", False),
    ("If they do not", "Ali Maisam Nazary", "nrf", False),
    ("We left everything behind", "Abdul Rahman", "other", False),
    ("Our houses, our land", "Abdul Rahman", "other", False),
    ("rebels and mercenaries", "Taliban", "taliban", True),
    ("The Taliban have shown", "Ahmad Massoud", "nrf", False),
    ("They do not believe", "Ahmad Massoud", "nrf", False),
    ("Both sides are exhausted.", "analyst at a Kabul think tank", "other", False),
]

TOLO = """The Islamic Emirate's deputy spokesman Bilal Karimi said "the doors of negotiation with the people of Panjshir are open."

Karimi said the Islamic Emirate does not want war. "We want to solve the problem through dialogue," he said.

Residents of Kabul said they want the new government to provide jobs. "We have no work and no food," said Ahmad, a resident of Kabul.

Political analyst Torek Farhadi said "the Islamic Emirate needs international recognition to solve the economic crisis."

"The resistance will continue until a legitimate government is formed," said Sibghatullah Ahmadi, a spokesman for the NRF.

Meanwhile, Suhail Shaheen, a member of the Taliban's negotiating team in Doha, said on Twitter that the group wants "positive relations" with the international community.
"""

TOLO_QUOTES = [
    ("the doors of negotiation", "Bilal Karimi", "taliban", False),
    ("We want to solve the problem", "Bilal Karimi", "taliban", False),
    ("We have no work", "Ahmad", "other", False),
    ("the Islamic Emirate needs", "Torek Farhadi", "other", False),
    ("The resistance will continue", "Sibghatullah Ahmadi", "nrf", False),
    ("positive relations", "Suhail Shaheen", "taliban", True),
]

# a second batch, written after the first was passing (what its misses taught is in the rules)
AP2 = """Taliban seize Panjshir governor's compound, resistance says fight goes on

BAZARAK, Afghanistan (AP) — Taliban fighters raised their white flag over the governor's compound in Panjshir on Monday, according to videos posted online, a day after the resistance leader called for talks.

"Our mujahideen are now in control of all of Panjshir," said Bilal Karimi, a deputy spokesman for the Taliban. "The people of the province should not worry."

Ahmad Massoud, who leads the National Resistance Front, said in a post on Facebook that his forces were still in the valley. He vowed to fight "until the last drop of our blood."

The Pentagon said it was aware of the reports. "We are watching closely," Pentagon press secretary John Kirby told reporters.

Local residents described a tense calm. "Nobody goes out," said Hamid, 34, a teacher who fled to Kabul last week. "We are afraid of what comes next."

Taliban officials have promised an amnesty for those who fought against them. But a former army officer in Kabul, speaking on condition of anonymity, said he did not trust the promise: "They said the same thing in 1996."
"""
AP2_QUOTES = [("Our mujahideen are now","Bilal Karimi","taliban",False),("The people of the province","Bilal Karimi","taliban",False),
      ("until the last drop","Ahmad Massoud","nrf",True),("We are watching closely","John Kirby","other",False),
      ("Nobody goes out","Hamid","other",False),("We are afraid","Hamid","other",False),
      ("They said the same thing","former army officer in Kabul","other",False)]
REUTERS2 = """ISLAMABAD (Reuters) - Pakistan's Prime Minister Imran Khan said on Tuesday that the world should engage with the Taliban.

"There is no other option," Khan told a news conference. "If the world abandons Afghanistan, it will be a humanitarian disaster."

In Kabul, the Taliban's chief spokesman told reporters that the new government would include "all Afghans". Zabihullah Mujahid did not say when it would be announced.

A spokesman for the National Resistance Front, who declined to be identified, said the group had lost contact with several commanders. "Communications are cut," the spokesman said.

The United Nations warned of a looming food crisis. "Millions of Afghans could run out of food by the end of the month," said Ramiz Alakbarov, the UN's deputy special representative for Afghanistan.
"""
REUTERS2_QUOTES = [("There is no other option","Imran Khan","other",False),("If the world abandons","Imran Khan","other",False),
      ("all Afghans","Taliban's chief spokesman","taliban",True),("Communications are cut","spokesman for the National Resistance Front","nrf",False),
      ("Millions of Afghans","Ramiz Alakbarov","other",False)]
TOLO2 = """KABUL: The Islamic Emirate on Wednesday announced the formation of its cabinet, naming Mullah Mohammad Hassan Akhund as acting prime minister.

Speaking at a press conference in Kabul, Zabihullah Mujahid said: "The cabinet is not complete. We will try to include people from other parts of the country."

Mujahid added that the Islamic Emirate wants good relations with its neighbors.

"We will not allow anyone to use our soil against any country," he said.

Meanwhile, Amrullah Saleh, the former first vice president, said in a video message from Panjshir that he was still in the country. "I am here with my people," Saleh said.

A resident of Kabul, Mohammad Rahim, told TOLOnews: "We want peace and jobs, nothing else."
"""
TOLO2_QUOTES = [("The cabinet is not complete","Zabihullah Mujahid","taliban",False),
      ("We will not allow anyone","Zabihullah Mujahid","taliban",False),("I am here with my people","Amrullah Saleh","nrf",False),
      ("We want peace and jobs","Mohammad Rahim","other",False)]
AFP2 = """DOHA, Qatar (AFP) - Taliban negotiator Suhail Shaheen said the movement would respect the rights of women under Islamic law.

"Women can work and study, but they must wear the hijab," Shaheen told AFP in an interview.

Asked about the resistance in Panjshir, he said: "We prefer negotiations. But if they choose war, we are ready."

The NRF rejected the offer. In a statement, the front said the Taliban "do not want a political solution".

US State Department spokesman Ned Price said Washington would watch the Taliban's actions, not their words.

"Legitimacy will have to be earned," Price said.
"""
AFP2_QUOTES = [("Women can work and study","Suhail Shaheen","taliban",False),("We prefer negotiations","Suhail Shaheen","taliban",False),
      ("do not want a political solution","National Resistance Front","nrf",True),("Legitimacy will have to be earned","Ned Price","other",False)]

ARTICLES = {
    "ap": (AP, AP_QUOTES),
    "reuters": (REUTERS, REUTERS_QUOTES),
    "afp": (AFP, AFP_QUOTES),
    "aljazeera": (ALJAZEERA, ALJAZEERA_QUOTES),
    "tolo": (TOLO, TOLO_QUOTES),
    "ap2": (AP2, AP2_QUOTES),
    "reuters2": (REUTERS2, REUTERS2_QUOTES),
    "tolo2": (TOLO2, TOLO2_QUOTES),
    "afp2": (AFP2, AFP2_QUOTES),
}
